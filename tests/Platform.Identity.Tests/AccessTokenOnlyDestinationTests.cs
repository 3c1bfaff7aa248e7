using System.Security.Claims;
using OpenIddict.Abstractions;
using Platform.Identity.Oidc;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Tests;

/// <summary>
/// Issue 18: a service token's claims are marked for the access token by <see cref="AccessTokenOnlyDestination"/>
/// instead of OpenIddict's <c>SetDestinations</c> (a JSON writer per claim). Both must leave every claim with the very
/// same properties, so that OpenIddict builds the same access token from either.
/// </summary>
public sealed class AccessTokenOnlyDestinationTests
{
    [Fact]
    public void Every_claim_gets_the_properties_OpenIddicts_own_SetDestinations_gives_it()
    {
        var ours = AccessTokenOnlyDestination.MarkAll(ServiceIdentity());
        var openIddicts = ServiceIdentity().SetDestinations(_ => [Destinations.AccessToken]);

        Assert.Equal(openIddicts.Claims.Count(), ours.Claims.Count());
        foreach (var (mine, theirs) in ours.Claims.Zip(openIddicts.Claims))
        {
            Assert.Equal((theirs.Type, theirs.Value), (mine.Type, mine.Value));
            Assert.Equal(theirs.Properties.OrderBy(p => p.Key), mine.Properties.OrderBy(p => p.Key));
            Assert.Equal([Destinations.AccessToken], mine.GetDestinations().ToArray());
        }
    }

    [Fact]
    public void A_destination_set_before_is_replaced_as_OpenIddict_replaces_it()
    {
        var identity = ServiceIdentity();
        identity.FindFirst(Claims.Name)!.SetDestinations(Destinations.IdentityToken, Destinations.AccessToken);

        AccessTokenOnlyDestination.MarkAll(identity);

        Assert.Equal([Destinations.AccessToken], identity.FindFirst(Claims.Name)!.GetDestinations().ToArray());
    }

    private static ClaimsIdentity ServiceIdentity()
    {
        var identity = new ClaimsIdentity(authenticationType: "platform", nameType: Claims.Name, roleType: Claims.Role);
        identity.SetClaim(Claims.Subject, "record-vault").SetClaim(Claims.Name, "Record vault \"service\" é");
        identity.SetScopes(["consent.decide", "ledger.submit"]);
        identity.SetResources(["consent", "ledger"]);
        return identity;
    }
}
