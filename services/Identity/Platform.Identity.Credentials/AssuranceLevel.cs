namespace Platform.Identity.Credentials;

/// <summary>Level of assurance of the identity proofing, eIDAS style (Regulation 910/2014 art. 8).</summary>
public enum AssuranceLevel
{
    Low,
    Substantial,
    High,
}

/// <summary>The <c>assurance_level</c> claim values of <see cref="AssuranceLevel"/>.</summary>
public static class AssuranceLevels
{
    public static string ToClaimValue(this AssuranceLevel level) => level switch
    {
        AssuranceLevel.Low => "low",
        AssuranceLevel.Substantial => "substantial",
        AssuranceLevel.High => "high",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown assurance level."),
    };

    /// <summary>Parses a claim value; exact lowercase match only, so a value cannot be smuggled in another spelling.</summary>
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
                level = default;
                return false;
        }
    }
}
