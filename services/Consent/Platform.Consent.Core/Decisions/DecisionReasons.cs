namespace Platform.Consent.Core;

/// <summary>The stable reason codes of a <see cref="Decision"/>.</summary>
public static class DecisionReasons
{
    /// <summary>Permit: an active consent covers category, purpose and time.</summary>
    public const string ConsentPermits = "consent_permits";

    /// <summary>Break-glass: emergency treatment by a clinician, without consent.</summary>
    public const string BreakGlass = "break_glass";

    /// <summary>The patient has no consent at all for this actor.</summary>
    public const string NoConsent = "no_consent";

    public const string CategoryNotCovered = "category_not_covered";
    public const string PurposeNotCovered = "purpose_not_covered";

    /// <summary>A consent covers category and purpose, but not the action (a read-only consent and a write).</summary>
    public const string ActionNotCovered = "action_not_covered";

    /// <summary>A consent would cover the request, but its window has not started.</summary>
    public const string NotYetValid = "not_yet_valid";

    /// <summary>A consent would cover the request, but its window has ended (recorded as expired or not yet).</summary>
    public const string Expired = "expired";

    public const string Revoked = "revoked";

    /// <summary>A consent would cover the request, but it was suspended when the grantee's credential was revoked.</summary>
    public const string Suspended = "suspended";

    /// <summary>Break-glass was asked for by someone who is not a clinician (or by an organisation).</summary>
    public const string BreakGlassRequiresClinician = "break_glass_requires_clinician";

    /// <summary>Break-glass was asked for with a purpose other than emergency treatment (ETREAT).</summary>
    public const string BreakGlassRequiresEmergencyPurpose = "break_glass_requires_emergency_purpose";

    /// <summary>The clinician used up their break-glass budget (the consent service's rate limit).</summary>
    public const string BreakGlassRateLimited = "break_glass_rate_limited";

    /// <summary>Break-glass was asked for with an action other than reading: emergency access never writes.</summary>
    public const string BreakGlassReadOnly = "break_glass_read_only";

    public const string UnknownCategory = "unknown_category";
    public const string UnknownPurpose = "unknown_purpose";
    public const string UnknownAction = "unknown_action";

    /// <summary>The subject or the actor is not a pseudonymous id.</summary>
    public const string MalformedId = "malformed_id";
}
