namespace Platform.Identity.Oidc;

/// <summary>Claims this provider issues beyond the standard ones, and its authentication context classes.</summary>
public static class PlatformClaims
{
    /// <summary>A clinician's professional licence identifier.</summary>
    public const string Licence = "licence";

    /// <summary>OpenID Connect for Identity Assurance: the KYC-verified identity and how it was verified.</summary>
    public const string VerifiedClaims = "verified_claims";

    /// <summary><c>acr</c> when the user signed in with a password only.</summary>
    public const string AcrPassword = "urn:platform:acr:password";

    /// <summary><c>acr</c> when the user signed in with a password and a TOTP second factor.</summary>
    public const string AcrMultiFactor = "urn:platform:acr:mfa";
}
