namespace Platform.Identity.Kyc;

/// <summary>
/// Passes when the document's holder is at least the minimum age today. The birth date comes from the MRZ, not the
/// form, because the MRZ is what the check digits vouch for.
/// </summary>
public static class MinimumAgeCheck
{
    public static CheckResult Evaluate(MrzDocument? document, DateOnly today, int minimumAge, RiskWeights weights)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minimumAge);
        ArgumentNullException.ThrowIfNull(weights);
        if (document is null)
        {
            return CheckResult.NotEvaluated(KycCheckCodes.MinimumAge, KycCheckReasons.MrzUnavailable);
        }

        return AgeOn(document.BirthDate, today) < minimumAge
            ? CheckResult.Fail(KycCheckCodes.MinimumAge, KycCheckReasons.Underage, weights.Underage)
            : CheckResult.Pass(KycCheckCodes.MinimumAge);
    }

    /// <summary>Completed years on <paramref name="today"/>. Someone born on 29 February turns a year older on 28 February in common years.</summary>
    public static int AgeOn(DateOnly birthDate, DateOnly today)
    {
        var age = today.Year - birthDate.Year;
        return today < birthDate.AddYears(age) ? age - 1 : age;
    }
}
