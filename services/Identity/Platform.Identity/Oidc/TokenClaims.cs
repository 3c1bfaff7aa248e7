using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using Platform.Identity.Accounts;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Oidc;

/// <summary>
/// Builds the claims a user's tokens carry and where each claim goes. Identity and profile data go to the
/// identity token only when the matching scope was granted; roles, licence, acr and amr go to the access token
/// too, because the other services authorize on them.
/// </summary>
public sealed class TokenClaims(UserManager<PlatformUser> users, IServiceProvider services)
{
    /// <param name="multiFactor">The session was established with a password and a TOTP code.</param>
    /// <param name="authenticatedAt">When the user signed in (the <c>auth_time</c> claim).</param>
    /// <param name="sid">The sign-in session's <c>sid</c> (<see cref="Logout.SessionIdentifier"/>), for ID tokens and back-channel logout.</param>
    public async Task<ClaimsIdentity> ForUserAsync(PlatformUser user, IEnumerable<string> scopes, bool multiFactor, DateTimeOffset? authenticatedAt, string? sid = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        var granted = scopes.ToHashSet(StringComparer.Ordinal);
        var identity = new ClaimsIdentity(
            authenticationType: "platform",
            nameType: Claims.Name,
            roleType: Claims.Role);
        identity.SetClaim(Claims.Subject, user.Id)
            .SetClaim(Claims.Name, user.DisplayName ?? user.UserName)
            .SetClaim(Claims.Email, user.Email)
            .SetClaim(Claims.EmailVerified, user.EmailConfirmed)
            .SetClaim(Claims.AuthenticationContextReference, multiFactor ? PlatformClaims.AcrMultiFactor : PlatformClaims.AcrPassword)
            .SetClaims(Claims.AuthenticationMethodReference, multiFactor ? ["pwd", "otp", "mfa"] : ["pwd"])
            .SetClaims(Claims.Role, [.. await users.GetRolesAsync(user)]);
        if (user.LicenceNumber is not null)
        {
            identity.SetClaim(PlatformClaims.Licence, user.LicenceNumber);
        }
        if (authenticatedAt is { } at)
        {
            identity.SetClaim(Claims.AuthenticationTime, at.ToUnixTimeSeconds());
        }
        if (sid is not null)
        {
            identity.SetClaim(Logout.SessionIdentifier.Claim, sid);
        }
        // KYC is optional (on when configured): ask for its service only when the client asked for verified_claims.
        if (granted.Contains(OidcScopes.VerifiedClaims) && services.GetService(typeof(Verification.KycService)) is Verification.KycService kyc &&
            await kyc.VerifiedClaimsAsync(user.Id, CancellationToken.None) is { } verified)
        {
            identity.SetClaim(PlatformClaims.VerifiedClaims, verified);
        }
        identity.SetScopes(granted);
        identity.SetDestinations(claim => Destinations(claim, granted));
        return identity;
    }

    private static IEnumerable<string> Destinations(Claim claim, HashSet<string> scopes)
    {
        switch (claim.Type)
        {
            case Claims.Subject:
                yield return OpenIddictConstants.Destinations.AccessToken;
                yield return OpenIddictConstants.Destinations.IdentityToken;
                yield break;
            case Claims.Name:
                if (scopes.Contains(Scopes.Profile))
                {
                    yield return OpenIddictConstants.Destinations.IdentityToken;
                }
                yield break;
            case Claims.Email or Claims.EmailVerified:
                if (scopes.Contains(Scopes.Email))
                {
                    yield return OpenIddictConstants.Destinations.IdentityToken;
                }
                yield break;
            case Claims.Role or PlatformClaims.Licence:
                yield return OpenIddictConstants.Destinations.AccessToken;
                if (scopes.Contains(Scopes.Roles))
                {
                    yield return OpenIddictConstants.Destinations.IdentityToken;
                }
                yield break;
            case Claims.AuthenticationContextReference or Claims.AuthenticationMethodReference or Claims.AuthenticationTime:
                yield return OpenIddictConstants.Destinations.AccessToken;
                yield return OpenIddictConstants.Destinations.IdentityToken;
                yield break;
            case Logout.SessionIdentifier.Claim:
                // OpenID Connect Back-Channel Logout 1.0 §2.1: the ID token names the session logout tokens will name.
                yield return OpenIddictConstants.Destinations.IdentityToken;
                yield break;
            case PlatformClaims.VerifiedClaims:
                // Identity data: to the client (identity token), never to resource services in access tokens.
                yield return OpenIddictConstants.Destinations.IdentityToken;
                yield break;
            default:
                // Anything else (e.g. the security stamp) never leaves the server.
                yield break;
        }
    }
}
