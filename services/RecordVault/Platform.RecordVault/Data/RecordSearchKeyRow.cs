namespace Platform.RecordVault.Data;

/// <summary>
/// One search key of a record's current version (FHIR search on content without decrypting it, docs/fhir.md): for a
/// token parameter (<c>code</c>, <c>category</c>) a blind index — HMAC-SHA256 under the vault's search key, bound to
/// the patient and the parameter, so the database never holds a code in clear; for <c>date</c> the half-open range of
/// instants the value covers, in clear (a range comparison needs the order). Replaced with every new version,
/// deleted on erasure.
/// </summary>
public sealed class RecordSearchKeyRow
{
    public long Id { get; set; }
    public Guid RecordId { get; set; }
    public string Patient { get; set; } = "";
    public string ResourceType { get; set; } = "";
    /// <summary>The search parameter: <c>code</c>, <c>category</c> or <c>date</c>.</summary>
    public string Parameter { get; set; } = "";
    /// <summary>Hex HMAC of one token form (<see cref="Records.SearchKeyHasher"/>); null for a date.</summary>
    public string? Token { get; set; }
    /// <summary>A date's start, Unix milliseconds (inclusive); <see cref="long.MinValue"/> when open.</summary>
    public long? StartMs { get; set; }
    /// <summary>A date's end, Unix milliseconds (exclusive); <see cref="long.MaxValue"/> when open.</summary>
    public long? EndMs { get; set; }
}
