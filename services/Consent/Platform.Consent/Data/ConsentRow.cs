using Platform.Consent.Core;

namespace Platform.Consent.Data;

/// <summary>
/// The current version of one consent, as stored. Times are Unix milliseconds so that both SQLite and PostgreSQL
/// can compare them in queries (the expiry scan, decisions). <see cref="Version"/> is the concurrency token:
/// two changes racing on one consent cannot both win.
/// </summary>
public sealed class ConsentRow
{
    public Guid Id { get; set; }
    public string Subject { get; set; } = "";
    public string GranteeKind { get; set; } = "";
    public string GranteeId { get; set; } = "";
    public string Categories { get; set; } = "";
    public string Purposes { get; set; } = "";

    /// <summary>
    /// Space-separated <see cref="ProvisionActions"/> codes. Rows written before actions existed hold the column's
    /// default, <c>access</c> (read-only), which is what those consents granted.
    /// </summary>
    public string Actions { get; set; } = ProvisionActions.Access;
    public long ValidFromMs { get; set; }
    public long? ValidUntilMs { get; set; }
    public string Status { get; set; } = "";
    public int Version { get; set; }
    public long CreatedAtMs { get; set; }
    public long UpdatedAtMs { get; set; }
    public string Hash { get; set; } = "";

    /// <summary>
    /// The consent's secret for the ledger (32 bytes): its events' subject is blinded and its hashes salted with it,
    /// so the ledger cannot link this consent to the patient's others. Null until the consent's first v2 event.
    /// </summary>
    public byte[]? LedgerSalt { get; set; }

    public static ConsentRow From(PatientConsent consent, string hash)
    {
        ArgumentNullException.ThrowIfNull(consent);
        var row = new ConsentRow { Id = consent.Id };
        row.CopyFrom(consent, hash);
        return row;
    }

    public void CopyFrom(PatientConsent consent, string hash)
    {
        ArgumentNullException.ThrowIfNull(consent);
        Subject = consent.SubjectPseudonym;
        GranteeKind = consent.Grantee.Kind.ToCode();
        GranteeId = consent.Grantee.Id;
        Categories = string.Join(' ', consent.Categories);
        Purposes = string.Join(' ', consent.Purposes);
        Actions = string.Join(' ', consent.Actions);
        ValidFromMs = consent.ValidFrom.ToUnixTimeMilliseconds();
        ValidUntilMs = consent.ValidUntil?.ToUnixTimeMilliseconds();
        Status = consent.Status.ToCode();
        Version = consent.Version;
        CreatedAtMs = consent.CreatedAt.ToUnixTimeMilliseconds();
        UpdatedAtMs = consent.UpdatedAt.ToUnixTimeMilliseconds();
        Hash = hash;
    }

    /// <summary>The domain object; throws when the stored row breaks a consent rule (a corrupted or tampered row).</summary>
    public PatientConsent ToConsent()
    {
        if (!GranteeKindCodes.TryParse(GranteeKind, out var kind) || !ConsentStatusCodes.TryParse(Status, out var status))
        {
            throw new InvalidDataException($"Consent {Id} has an unknown grantee kind or status.");
        }
        var restored = PatientConsent.Restore(Id, Subject, new Grantee(kind.Value, GranteeId),
            StoredCodeLists.Read(Categories), StoredCodeLists.Read(Purposes),
            DateTimeOffset.FromUnixTimeMilliseconds(ValidFromMs), ValidUntilMs is { } until ? DateTimeOffset.FromUnixTimeMilliseconds(until) : null,
            status.Value, Version, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAtMs), DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAtMs),
            StoredCodeLists.Read(Actions));
        return restored.IsSuccess ? restored.Value! : throw new InvalidDataException($"Consent {Id} breaks a rule: {restored.Error!.Message}");
    }
}
