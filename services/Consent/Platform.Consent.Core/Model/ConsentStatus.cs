namespace Platform.Consent.Core;

/// <summary>
/// Where a consent is in its life. Only <see cref="Active"/> can permit; the other three are final, so a consent
/// that stopped permitting is never revived (granting again makes a new consent).
/// </summary>
public enum ConsentStatus
{
    Active = 1,

    /// <summary>The patient (or an admin with an audited reason) withdrew it.</summary>
    Revoked = 2,

    /// <summary>Its validity window ended and the expiry was recorded.</summary>
    Expired = 3,

    /// <summary>The grantee's identity credential was revoked, so the platform stopped the consent on its own.</summary>
    Suspended = 4,
}
