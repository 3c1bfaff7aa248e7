using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using Platform.Contracts.Events;
using Platform.Identity.Data;
using Platform.Messaging.Outbox;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Oidc;

/// <summary>
/// Revokes access tokens that have no token entry (client_credentials tokens, <see cref="UnstoredServiceTokens"/>):
/// a <see cref="RevokedAccessTokenRow"/> keyed by the token's <c>jti</c> for introspection, and
/// <c>identity.token-revoked</c> with that <c>jti</c> for the resource services' deny-lists, in one transaction —
/// the same announcement <see cref="RevocationAnnouncingTokenManager"/> makes for stored tokens.
/// </summary>
public sealed class UnstoredTokenRevocations(IdentityServiceDbContext db, TimeProvider time)
{
    /// <summary>Whether <paramref name="principal"/> is an access token without a token entry, the kind this class revokes.</summary>
    public static bool IsUnstoredAccessToken(ClaimsPrincipal principal) =>
        IsAccessTokenType(principal.GetTokenType())
        && string.IsNullOrEmpty(principal.GetTokenId())
        && !string.IsNullOrEmpty(principal.GetClaim(Claims.JwtId));

    // OpenIddict has used either form over its versions; both name an access token.
    internal static bool IsAccessTokenType(string? type) => type is TokenTypeHints.AccessToken or TokenTypeIdentifiers.AccessToken;

    public Task<bool> IsRevokedAsync(string jwtId, CancellationToken cancellationToken) =>
        db.Set<RevokedAccessTokenRow>().AsNoTracking().AnyAsync(r => r.TokenId == jwtId, cancellationToken);

    /// <summary>Revokes the token; revoking it again changes nothing and announces nothing more.</summary>
    public async Task RevokeAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var jwtId = principal.GetClaim(Claims.JwtId) ?? throw new ArgumentException("The token has no jti.", nameof(principal));
        var expires = principal.GetExpirationDate() ?? throw new ArgumentException("The token has no expiry.", nameof(principal));
        var now = time.GetUtcNow();
        if (expires <= now || await IsRevokedAsync(jwtId, cancellationToken))
        {
            return;
        }
        var row = new RevokedAccessTokenRow { TokenId = jwtId, ExpiresAtMs = expires.ToUnixTimeMilliseconds(), RevokedAtMs = now.ToUnixTimeMilliseconds() };
        db.Add(row);
        var message = db.AddIntegrationEvent(new AccessTokenRevokedV1(jwtId, null, expires), RevocationAnnouncingTokenManager.Source);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.Entry(row).State = EntityState.Detached;
            db.Entry(message).State = EntityState.Detached;
            // A concurrent revocation of the same token committed first (primary key): it made the announcement.
            if (!await IsRevokedAsync(jwtId, cancellationToken))
            {
                throw;
            }
        }
    }

    /// <summary>Removes rows whose tokens have expired (plus a margin for clock skew); returns how many.</summary>
    public Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var threshold = (time.GetUtcNow() - TimeSpan.FromMinutes(5)).ToUnixTimeMilliseconds();
        return db.Set<RevokedAccessTokenRow>().Where(r => r.ExpiresAtMs < threshold).ExecuteDeleteAsync(cancellationToken);
    }
}
