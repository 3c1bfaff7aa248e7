namespace Platform.RecordVault.Data;

/// <summary>
/// A record's metadata: whose it is, its consent category, what it holds (a FHIR resource or a binary
/// attachment), its current version, and — once erased — when. Nothing here is medical content.
/// </summary>
public sealed class RecordRow
{
    public Guid Id { get; set; }
    public string Patient { get; set; } = "";
    public string Category { get; set; } = "";
    /// <summary><c>fhir</c> or <c>binary</c>.</summary>
    public string Kind { get; set; } = "";
    /// <summary>The FHIR resource type (FHIR records only); a type name, not content.</summary>
    public string? ResourceType { get; set; }
    public string ContentType { get; set; } = "";
    public int CurrentVersion { get; set; }
    public long CreatedAtMs { get; set; }
    public long UpdatedAtMs { get; set; }
    public long? ErasedAtMs { get; set; }
    /// <summary>The version whose FHIR search keys are stored (<see cref="RecordSearchKeyRow"/>); null until indexed (records written before search keys existed, until the backfill reaches them).</summary>
    public int? SearchIndexedVersion { get; set; }
}
