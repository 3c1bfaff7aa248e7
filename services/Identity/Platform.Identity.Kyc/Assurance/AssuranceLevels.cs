namespace Platform.Identity.Kyc;

/// <summary>
/// The <c>assurance_level</c> values of <see cref="AssuranceLevel"/>, one spelling for OIDC4IDA <c>verified_claims</c>,
/// the verified-identity credential and the <c>identity.verified</c> event.
/// </summary>
public static class AssuranceLevels
{
    public static string ToClaimValue(this AssuranceLevel level) => level switch
    {
        AssuranceLevel.None => "none",
        AssuranceLevel.Low => "low",
        AssuranceLevel.Substantial => "substantial",
        AssuranceLevel.High => "high",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown assurance level."),
    };

    /// <summary>
    /// Parses a claim value a credential may carry (<c>low</c>, <c>substantial</c>, <c>high</c>; never <c>none</c>);
    /// exact lowercase match only, so a value cannot be smuggled in another spelling.
    /// </summary>
    public static bool TryParse(string? value, out AssuranceLevel level)
    {
        switch (value)
        {
            case "low":
                level = AssuranceLevel.Low;
                return true;
            case "substantial":
                level = AssuranceLevel.Substantial;
                return true;
            case "high":
                level = AssuranceLevel.High;
                return true;
            default:
                level = AssuranceLevel.None;
                return false;
        }
    }
}
