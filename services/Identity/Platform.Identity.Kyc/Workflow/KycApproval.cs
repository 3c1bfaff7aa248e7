namespace Platform.Identity.Kyc;

/// <summary>The approval of a case: how, by whom (a reviewer, or the checks' actor), when and why.</summary>
public sealed record KycApproval(KycApprovalPath Path, string By, DateTimeOffset At, string Reason);
