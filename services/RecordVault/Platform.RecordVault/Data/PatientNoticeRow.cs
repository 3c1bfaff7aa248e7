namespace Platform.RecordVault.Data;

/// <summary>
/// Something another service told the vault about a patient that the patient portal must pass on, and that the access
/// log cannot show: today a revoked identity credential (identity.revoked). The id is the event's, so a redelivery
/// adds nothing; only codes and the pseudonym are kept, no free text.
/// </summary>
public sealed class PatientNoticeRow
{
    public const string CredentialRevoked = "credential-revoked";

    public Guid Id { get; set; }
    public string Patient { get; set; } = "";
    public string Kind { get; set; } = "";

    /// <summary>The sender's reason code (identity: lowercase letters and <c>_</c>, e.g. <c>document_stolen</c>).</summary>
    public string Code { get; set; } = "";
    public long AtMs { get; set; }
}
