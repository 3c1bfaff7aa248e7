namespace Platform.Identity.Kyc;

/// <summary>
/// A reviewer's decision on a case in manual review. The reason is required for both outcomes and recorded
/// verbatim in the audit trail. <paramref name="AllowResubmission"/> only matters for rejections (false for fraud or
/// a confirmed sanctions match).
/// </summary>
public sealed record ReviewDecisionCommand(Guid CommandId, int ExpectedVersion, string ReviewerId, KycDecision Decision, string Reason, bool AllowResubmission = true);
