namespace Platform.Identity.Kyc;

/// <summary>Passes while <c>today</c> is on or before the expiry date: Doc 9303's date of expiry is the last valid day.</summary>
public static class DocumentExpiryCheck
{
    public static CheckResult Evaluate(MrzDocument? document, DateOnly today, RiskWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (document is null)
        {
            return CheckResult.NotEvaluated(KycCheckCodes.DocumentExpiry, KycCheckReasons.MrzUnavailable);
        }

        return document.ExpiryDate < today
            ? CheckResult.Fail(KycCheckCodes.DocumentExpiry, KycCheckReasons.DocumentExpired, weights.DocumentExpired)
            : CheckResult.Pass(KycCheckCodes.DocumentExpiry);
    }
}
