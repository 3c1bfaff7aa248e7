using System.Text.Json.Serialization;

namespace Platform.Identity.Kyc;

/// <summary>
/// The outcome of one run of the automated checks, as the case records it: every check result, the score, the
/// route, when, the document fingerprint for duplicate detection and the non-identifying document summary. Holds no
/// personal data in clear.
/// </summary>
public sealed record KycAssessment(
    IReadOnlyList<CheckResult> Checks,
    int RiskScore,
    KycRoute Route,
    DateTimeOffset AssessedAt,
    IdentityFingerprint? Fingerprint,
    DocumentSummary? Document)
{
    [JsonIgnore]
    public bool AllPassed => Checks.All(c => c.Passed);

    [JsonIgnore]
    public IEnumerable<CheckResult> Failed => Checks.Where(c => !c.Passed);

    /// <summary>Whether the check with <paramref name="code"/> ran and passed.</summary>
    public bool Passed(string code) => Checks.Any(c => c.Code == code && c.Passed);

    /// <summary>
    /// Distinct reason codes of the failed checks, in check order: the automated rejection reasons. Checks that could
    /// not run (<see cref="KycCheckReasons.MrzUnavailable"/>) are left out; the MRZ failure already says why.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<string> FailureReasons =>
        [.. Failed.Select(c => c.Reason).Where(r => r != KycCheckReasons.MrzUnavailable).Distinct(StringComparer.Ordinal)];

    public override string ToString() => $"KycAssessment {{ Route = {Route}, RiskScore = {RiskScore}, Failed = [{string.Join(", ", FailureReasons)}] }}";
}
