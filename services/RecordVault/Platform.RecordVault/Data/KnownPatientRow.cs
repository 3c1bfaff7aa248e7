namespace Platform.RecordVault.Data;

/// <summary>
/// A patient the identity service verified (its identity.verified event, approved). Together with the patients the
/// vault holds records for, these are the subjects a refused attempt may be audited for on the ledger; an attempt on
/// anyone else concerns nobody and must not become a permanent ledger entry.
/// </summary>
public sealed class KnownPatientRow
{
    public string Patient { get; set; } = "";
    public long SinceMs { get; set; }
}
