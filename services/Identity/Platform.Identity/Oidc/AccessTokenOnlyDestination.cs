using System.Security.Claims;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Oidc;

/// <summary>
/// Marks every claim of a service token's identity for the access token alone, as
/// <c>identity.SetDestinations(_ => [Destinations.AccessToken])</c> does, without its cost (issue 18): OpenIddict writes
/// the destinations of each claim as a JSON array through a new <see cref="MemoryStream"/> and
/// <c>Utf8JsonWriter</c> per claim, a few hundred bytes and a stream growth per claim on every client_credentials
/// token. The value stored is the one OpenIddict's own writer produced once, so its format stays OpenIddict's.
/// </summary>
public static class AccessTokenOnlyDestination
{
    private static readonly string Value = new Claim("destination", "template").SetDestinations(Destinations.AccessToken)
        .Properties[Properties.Destinations];

    public static ClaimsIdentity MarkAll(ClaimsIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        foreach (var claim in identity.Claims)
        {
            claim.Properties[Properties.Destinations] = Value;
        }
        return identity;
    }
}
