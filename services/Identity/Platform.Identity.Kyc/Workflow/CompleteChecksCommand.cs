namespace Platform.Identity.Kyc;

/// <summary>Record the automated checks' assessment; the case moves as <see cref="KycAssessment.Route"/> says.</summary>
public sealed record CompleteChecksCommand(Guid CommandId, int ExpectedVersion, string Actor, KycAssessment Assessment);
