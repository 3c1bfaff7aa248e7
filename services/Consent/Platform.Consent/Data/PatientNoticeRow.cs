namespace Platform.Consent.Data;

/// <summary>
/// Something the patient must be told about their consents that they did not do themself; today: a consent granted
/// on their behalf. Written in the same transaction as the change it reports, so no such change goes unreported.
/// The patient reads notices at <c>GET /consents/notices</c> and on <c>/my/consents</c>, with the proposal's two admins
/// and their reasons (the consent's history shows the patient the same).
/// </summary>
public sealed class PatientNoticeRow
{
    public const string ConsentGrantedOnBehalf = "consent_granted_on_behalf";

    public Guid Id { get; set; }
    public string Patient { get; set; } = "";
    public string Kind { get; set; } = "";
    public Guid ConsentId { get; set; }
    public Guid? ProposalId { get; set; }
    public long CreatedAtMs { get; set; }
}
