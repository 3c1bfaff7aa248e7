using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Platform.Identity.Oidc;

namespace Platform.Identity.Logout;

/// <summary>
/// Makes the logout token of OpenID Connect Back-Channel Logout 1.0 §2.4: a JWT typed <c>logout+jwt</c>, signed by the
/// active key with the algorithm the client's ID tokens use (so it verifies against the same JWKS entry kinds), with
/// <c>iss</c>, <c>aud</c> (the client id), <c>iat</c>, <c>exp</c>, <c>jti</c>, the back-channel logout event, and
/// <c>sub</c> and/or <c>sid</c>; never a <c>nonce</c> (§2.4 forbids it, so an ID token cannot pass for one).
/// </summary>
public sealed class LogoutTokenIssuer(SigningKeyRing ring, TimeProvider time)
{
    public const string TokenType = "logout+jwt";
    public const string LogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    /// <summary>How long a logout token is accepted: long enough for the delivery's retries.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    public string Create(string issuer, BackchannelLogoutRegistration client, string? subject, string? sid)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (subject is null && sid is null)
        {
            throw new ArgumentException("A logout token names a subject, a session, or both.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            [JwtRegisteredClaimNames.Jti] = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(16)),
            ["events"] = new Dictionary<string, object> { [LogoutEvent] = new Dictionary<string, object>() },
        };
        if (subject is not null)
        {
            claims[JwtRegisteredClaimNames.Sub] = subject;
        }
        if (sid is not null)
        {
            claims[SessionIdentifier.Claim] = sid;
        }
        // The active ES256 key is the first published credential (SigningKeyRing.Published).
        var credentials = client.Rs256 ? ring.ActiveRsa : ring.Published[0];
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = TokenType,
            Issuer = issuer,
            Audience = client.ClientId,
            IssuedAt = now,
            Expires = now + Lifetime,
            Claims = claims,
            SigningCredentials = credentials,
        });
    }
}
