using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Platform.ServiceDefaults;

namespace Platform.Consent.Decisions;

/// <summary>
/// Validates the person's access token a calling service forwards in <see cref="SubjectToken.Header"/>, as strictly
/// as the bearer token itself: the identity service's issuer and signing keys (its discovery document, the same
/// cache as bearer validation), ES256, <c>at+jwt</c>, an unexpired lifetime, an audience from
/// <see cref="SubjectTokenOptions.Audiences"/>, and not revoked. The actor and their clinician role come from it.
/// </summary>
public sealed class SubjectTokenValidator(IOptionsMonitor<JwtBearerOptions> bearer, IOptions<SubjectTokenOptions> options, IServiceProvider services)
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>The actor the token names, or null when it does not validate (the reason stays here: it may describe the token).</summary>
    public async Task<SubjectActor?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        var jwt = bearer.Get(TokenValidationSetup.Scheme);
        if (jwt.ConfigurationManager is null || string.IsNullOrWhiteSpace(token) || token.Length > 16 * 1024)
        {
            return null;
        }
        var result = await ValidateWithCurrentKeysAsync(jwt, token, cancellationToken);
        if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // A signing key newer than our copy of the JWKS: fetch it once, as bearer validation does.
            jwt.ConfigurationManager.RequestRefresh();
            result = await ValidateWithCurrentKeysAsync(jwt, token, cancellationToken);
        }
        if (!result.IsValid)
        {
            return null;
        }
        var user = new ClaimsPrincipal(result.ClaimsIdentity);
        if (user.FindFirstValue("sub") is not { Length: > 0 } subject
            || PlatformPolicies.IsServiceToken(user)
            || await RevokedTokenCheck.IsRevokedAsync(IRevokedTokens.KeyOf(user), services, cancellationToken))
        {
            return null;
        }
        return new SubjectActor(subject, user.HasClaim("role", "clinician") && user.HasClaim("acr", PlatformPolicies.MultiFactorAcr));
    }

    private async Task<TokenValidationResult> ValidateWithCurrentKeysAsync(JwtBearerOptions jwt, string token, CancellationToken cancellationToken)
    {
        var configuration = await jwt.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
        var parameters = jwt.TokenValidationParameters.Clone();
        parameters.ValidIssuer = configuration.Issuer;
        parameters.IssuerSigningKeys = configuration.SigningKeys;
        parameters.ValidAudience = null;
        parameters.ValidAudiences = options.Value.EffectiveAudiences;
        return await _handler.ValidateTokenAsync(token, parameters);
    }
}
