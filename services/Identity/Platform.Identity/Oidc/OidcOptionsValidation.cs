using Microsoft.Extensions.Options;

namespace Platform.Identity.Oidc;

/// <summary>What <c>Identity:*</c> and <c>Identity:SigningKeys:*</c> must satisfy; checked at start, each message names its key.</summary>
public static class OidcOptionsValidation
{
    public static OptionsBuilder<OidcOptions> ValidateOidcOptions(this OptionsBuilder<OidcOptions> options) => options
        .Validate(o => o.Issuer is null || o.Issuer.IsAbsoluteUri, "Identity:Issuer must be an absolute URI.")
        .Validate(o => o.AccessTokenLifetime > TimeSpan.Zero, "Identity:AccessTokenLifetime must be positive.")
        .Validate(o => o.IdentityTokenLifetime > TimeSpan.Zero, "Identity:IdentityTokenLifetime must be positive.")
        .Validate(o => o.AuthorizationCodeLifetime > TimeSpan.Zero, "Identity:AuthorizationCodeLifetime must be positive.")
        .Validate(o => o.RefreshTokenLifetime > TimeSpan.Zero, "Identity:RefreshTokenLifetime must be positive.")
        .Validate(o => o.RefreshTokenReuseLeeway >= TimeSpan.Zero, "Identity:RefreshTokenReuseLeeway must not be negative.")
        .Validate(o => o.EntityCacheLifetime >= TimeSpan.Zero, "Identity:EntityCacheLifetime must not be negative.");

    public static OptionsBuilder<SigningKeyOptions> ValidateSigningKeyOptions(this OptionsBuilder<SigningKeyOptions> options) => options
        .Validate(o => o.RotateEvery > TimeSpan.Zero, "Identity:SigningKeys:RotateEvery must be positive.")
        .Validate(o => o.RefreshEvery > TimeSpan.Zero, "Identity:SigningKeys:RefreshEvery must be positive.")
        .Validate(o => o.PublishAhead >= TimeSpan.Zero && o.PublishAhead < o.RotateEvery,
            "Identity:SigningKeys:PublishAhead must not be negative and must be shorter than RotateEvery.");
}
