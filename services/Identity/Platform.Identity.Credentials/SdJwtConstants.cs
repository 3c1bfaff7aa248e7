using System.Collections.Frozen;

namespace Platform.Identity.Credentials;

/// <summary>Names fixed by RFC 9901 (SD-JWT) and draft-ietf-oauth-sd-jwt-vc.</summary>
public static class SdJwtConstants
{
    /// <summary>JOSE <c>typ</c> of an SD-JWT VC's issuer-signed JWT (draft-ietf-oauth-sd-jwt-vc; formerly <c>vc+sd-jwt</c>).</summary>
    public const string SdJwtVcType = "dc+sd-jwt";

    /// <summary>JOSE <c>typ</c> of a Key Binding JWT (RFC 9901 §4.3).</summary>
    public const string KeyBindingJwtType = "kb+jwt";

    /// <summary>The only signature algorithm accepted or produced here.</summary>
    public const string Es256 = "ES256";

    /// <summary>The only <c>_sd_alg</c> accepted or produced here (IANA Named Information Hash Algorithm name).</summary>
    public const string Sha256 = "sha-256";

    /// <summary>Digests of the selectively disclosable claims of one object.</summary>
    public const string SdClaim = "_sd";

    /// <summary>Top-level claim naming the digest algorithm.</summary>
    public const string SdAlgClaim = "_sd_alg";

    /// <summary>Key of the single-member object that stands for a selectively disclosable array element.</summary>
    public const string ArrayElementDigestKey = "...";

    /// <summary>Key Binding JWT claim binding it to the presented SD-JWT.</summary>
    public const string SdHashClaim = "sd_hash";

    /// <summary>
    /// Top-level claims an SD-JWT VC must carry in the clear (draft-ietf-oauth-sd-jwt-vc "Registered JWT Claims"):
    /// a verifier relies on them before looking at any disclosure, so a disclosure may never supply them.
    /// <c>_sd_alg</c> is added because it steers digest processing itself.
    /// </summary>
    public static FrozenSet<string> NonDisclosableClaims { get; } =
        FrozenSet.Create(StringComparer.Ordinal, "iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status", SdAlgClaim);
}
