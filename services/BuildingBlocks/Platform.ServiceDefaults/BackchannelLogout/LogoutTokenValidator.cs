using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Platform.ServiceDefaults.BackchannelLogout;

/// <summary>
/// Checks a logout token as OpenID Connect Back-Channel Logout 1.0 §2.6 says: a JWT typed <c>logout+jwt</c>, signed
/// (ES256 or RS256) by a key of the issuer's JWKS, <c>iss</c> the issuer of the discovery document, <c>aud</c> this
/// client, <c>iat</c> and <c>exp</c> present and current (30 s skew), a <c>jti</c>, the back-channel logout member of
/// <c>events</c> holding a JSON object, <c>sub</c> or <c>sid</c>, and no <c>nonce</c>.
/// Replay (the <c>jti</c>) is checked by the caller, once the token is known to be genuine.
/// </summary>
public static class LogoutTokenValidator
{
    public const string TokenType = "logout+jwt";
    public const string LogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    public static async Task<LogoutTokenResult> ValidateAsync(
        string logoutToken, OpenIdConnectConfiguration configuration, string clientId, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var handler = new JsonWebTokenHandler();
        if (!handler.CanReadToken(logoutToken))
        {
            return LogoutTokenResult.Invalid("The logout token is not a JWT.");
        }
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidAudience = clientId,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256],
            ValidTypes = [TokenType],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            LifetimeValidator = (notBefore, expires, _, p) => expires is { } exp &&
                exp.ToUniversalTime() + p.ClockSkew > time.GetUtcNow().UtcDateTime &&
                (notBefore is null || notBefore.Value.ToUniversalTime() - p.ClockSkew <= time.GetUtcNow().UtcDateTime),
        };
        var result = await handler.ValidateTokenAsync(logoutToken, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return result.Exception is SecurityTokenSignatureKeyNotFoundException
                ? LogoutTokenResult.UnknownKey()
                : LogoutTokenResult.Invalid("The logout token is not valid: " + Describe(result.Exception));
        }
        var token = (JsonWebToken)result.SecurityToken;
        if (!token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out var issuedAt) ||
            DateTimeOffset.FromUnixTimeSeconds(issuedAt) > time.GetUtcNow() + parameters.ClockSkew)
        {
            return LogoutTokenResult.Invalid("The logout token needs an iat that is not in the future.");
        }
        if (token.TryGetPayloadValue<object>("nonce", out _))
        {
            return LogoutTokenResult.Invalid("A logout token must not carry a nonce.");
        }
        if (!token.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Jti, out var jti) || string.IsNullOrEmpty(jti))
        {
            return LogoutTokenResult.Invalid("The logout token needs a jti.");
        }
        if (!HasLogoutEvent(token))
        {
            return LogoutTokenResult.Invalid($"The logout token's events claim must hold {LogoutEvent} with a JSON object.");
        }
        var subject = token.TryGetPayloadValue<string>(JwtRegisteredClaimNames.Sub, out var sub) && !string.IsNullOrEmpty(sub) ? sub : null;
        var sid = token.TryGetPayloadValue<string>("sid", out var s) && !string.IsNullOrEmpty(s) ? s : null;
        if (subject is null && sid is null)
        {
            return LogoutTokenResult.Invalid("The logout token must name a sub, a sid, or both.");
        }
        return LogoutTokenResult.Valid(jti, subject, sid, token.ValidTo);
    }

    private static bool HasLogoutEvent(JsonWebToken token)
    {
        try
        {
            using var payload = JsonDocument.Parse(Base64UrlEncoder.Decode(token.EncodedPayload));
            return payload.RootElement.TryGetProperty("events", out var events) && events.ValueKind == JsonValueKind.Object &&
                   events.TryGetProperty(LogoutEvent, out var member) && member.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // The exception type names what failed without echoing token content back.
    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenInvalidTypeException => "typ must be logout+jwt.",
        SecurityTokenInvalidIssuerException => "wrong issuer.",
        SecurityTokenInvalidAudienceException => "not addressed to this client.",
        SecurityTokenInvalidLifetimeException or SecurityTokenExpiredException or SecurityTokenNoExpirationException => "expired or without exp.",
        SecurityTokenInvalidAlgorithmException => "algorithm not accepted.",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "bad signature.",
        _ => "malformed.",
    };
}

/// <summary>The outcome of <see cref="LogoutTokenValidator"/>: the token's ids, or why it was refused.</summary>
public sealed record LogoutTokenResult(bool IsValid, bool KeyUnknown, string? Error, string? Jti, string? Subject, string? Sid, DateTime ExpiresAt)
{
    public static LogoutTokenResult Valid(string jti, string? subject, string? sid, DateTime expiresAt) => new(true, false, null, jti, subject, sid, expiresAt);

    public static LogoutTokenResult Invalid(string error) => new(false, false, error, null, null, null, default);

    public static LogoutTokenResult UnknownKey() => new(false, true, "The logout token is not valid: bad signature.", null, null, null, default);
}
