namespace Platform.Identity.Kyc;

/// <summary>
/// One transition of a case, as the audit trail records it: the version it produced, the command that caused it,
/// who, when, from which state (null for registration) to which, and why. Automated reasons are codes; a reviewer's
/// reason is their own text.
/// </summary>
public sealed record KycAuditEntry(int Version, Guid CommandId, string Action, string Actor, DateTimeOffset At, KycCaseState? From, KycCaseState To, string Reason);
