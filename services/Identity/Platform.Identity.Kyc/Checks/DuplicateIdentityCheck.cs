namespace Platform.Identity.Kyc;

/// <summary>
/// Passes when no other account presented the same document, judged by <see cref="IdentityFingerprint"/> alone.
/// A duplicate goes to a reviewer rather than straight to rejection: re-registration after a lost password is as
/// likely as identity theft. Details are the other accounts' ids.
/// </summary>
public static class DuplicateIdentityCheck
{
    public static CheckResult Evaluate(IdentityFingerprint? fingerprint, IReadOnlyCollection<string> ownersWithFingerprint, string ownerId, RiskWeights weights)
    {
        ArgumentNullException.ThrowIfNull(ownersWithFingerprint);
        ArgumentNullException.ThrowIfNull(weights);
        if (fingerprint is null)
        {
            return CheckResult.NotEvaluated(KycCheckCodes.DuplicateIdentity, KycCheckReasons.MrzUnavailable);
        }

        var others = ownersWithFingerprint.Where(o => !string.Equals(o, ownerId, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return others.Length == 0
            ? CheckResult.Pass(KycCheckCodes.DuplicateIdentity)
            : CheckResult.Fail(KycCheckCodes.DuplicateIdentity, KycCheckReasons.DuplicateIdentity, weights.DuplicateIdentity, others);
    }
}
