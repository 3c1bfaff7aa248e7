using Platform.Identity.Kyc;
namespace Platform.Identity.Verification;

/// <summary>A case as the applicant and reviewers see it: state, route, each check's result and reason codes; no personal data.</summary>
public sealed record KycCaseView(
    Guid Id, string OwnerId, string State, int Version, int Submissions, string? Route, int? RiskScore,
    IReadOnlyList<KycCheckView> Checks, string? AssuranceLevel, string? DecidedBy, string? Reason, DateTimeOffset UpdatedAt)
{
    public static KycCaseView From(KycCase kycCase)
    {
        ArgumentNullException.ThrowIfNull(kycCase);
        var assessment = kycCase.Assessment;
        return new KycCaseView(kycCase.Id, kycCase.OwnerId, kycCase.State.ToString(), kycCase.Version, kycCase.Submissions,
            assessment?.Route.ToString(), assessment?.RiskScore,
            assessment?.Checks.Select(c => new KycCheckView(c.Code, c.Passed, c.Reason)).ToList() ?? [],
            kycCase.State == KycCaseState.Approved ? AssuranceMapper.Map(kycCase).Code : null,
            kycCase.Approval?.By ?? kycCase.Rejection?.By,
            kycCase.Approval?.Reason ?? (kycCase.Rejection is { } rejected ? string.Join("; ", rejected.Reasons) : null),
            kycCase.UpdatedAt);
    }
}

public sealed record KycCheckView(string Code, bool Passed, string Reason);
