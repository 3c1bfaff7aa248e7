namespace Platform.Consent.Core;

/// <summary>Who a consent is granted to: one clinician, or an organisation (a hospital, a practice).</summary>
public enum GranteeKind
{
    Practitioner = 1,
    Organization = 2,
}
