namespace Platform.Identity.Kyc;

/// <summary>
/// The rejection of a case: the reasons (check reason codes when automated, the reviewer's text otherwise), by whom,
/// when, and whether the applicant may submit new evidence. Automated rejections always allow it.
/// </summary>
public sealed record KycRejection(IReadOnlyList<string> Reasons, string By, DateTimeOffset At, bool ResubmissionAllowed);
