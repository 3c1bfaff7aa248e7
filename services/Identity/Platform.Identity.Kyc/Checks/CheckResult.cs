namespace Platform.Identity.Kyc;

/// <summary>
/// The recorded outcome of one automated check: which check (<see cref="KycCheckCodes"/>), whether it passed, why
/// (<see cref="KycCheckReasons"/>), how many risk points it adds (0 when passed) and PII-free details for the
/// reviewer (problem codes, mismatched field names, list entry ids, other account ids).
/// </summary>
public sealed record CheckResult(string Code, bool Passed, string Reason, int ScoreContribution, IReadOnlyList<string> Details)
{
    public static CheckResult Pass(string code) => new(code, true, KycCheckReasons.Passed, 0, []);

    public static CheckResult Fail(string code, string reason, int contribution, IReadOnlyList<string>? details = null) =>
        new(code, false, reason, contribution, details ?? []);

    /// <summary>A check that could not run because its input was missing; it adds no points (the cause already did).</summary>
    public static CheckResult NotEvaluated(string code, string reason) => new(code, false, reason, 0, []);
}
