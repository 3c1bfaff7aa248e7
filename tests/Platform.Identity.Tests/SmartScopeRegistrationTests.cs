using Platform.Identity.Oidc;
using Platform.Identity.Testing;
using Platform.ServiceDefaults;
using Errors = OpenIddict.Abstractions.OpenIddictConstants.Errors;
using Permissions = OpenIddict.Abstractions.OpenIddictConstants.Permissions;

namespace Platform.Identity.Tests;

/// <summary>
/// SMART v2 scopes at the identity provider: a client registered for a scope may ask for it and every narrower one,
/// never a wider one; a string that is not an offered v2 scope is refused at registration and at authorization.
/// </summary>
public sealed class SmartScopeRegistrationTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public void A_registered_scope_permits_its_narrower_scopes_and_nothing_wider()
    {
        var descriptor = ClientRegistry.ToDescriptor(new ClientDefinition
        {
            ClientId = "smart-narrow",
            Type = ClientTypes.Public,
            GrantTypes = ["authorization_code"],
            RedirectUris = ["https://app.example/callback"],
            Scopes = ["openid", "launch/patient", "patient/Observation.rs"],
        });
        var permissions = descriptor.Permissions;
        Assert.Contains(Permissions.Prefixes.Scope + "patient/Observation.rs", permissions);
        Assert.Contains(Permissions.Prefixes.Scope + "patient/Observation.r", permissions);
        Assert.Contains(Permissions.Prefixes.Scope + "patient/Observation.s", permissions);
        Assert.Contains(Permissions.Prefixes.Scope + "launch/patient", permissions);
        Assert.DoesNotContain(Permissions.Prefixes.Scope + "patient/*.rs", permissions);
        Assert.DoesNotContain(Permissions.Prefixes.Scope + "patient/Observation.crs", permissions);
        Assert.DoesNotContain(Permissions.Prefixes.Scope + "user/Observation.r", permissions);
        Assert.DoesNotContain(Permissions.Prefixes.Scope + "patient/Condition.r", permissions);
    }

    [Theory]
    [InlineData("patient/Observation.sr")]
    [InlineData("patient/*.read")]
    [InlineData("system/*.rs")]
    public void A_scope_that_is_not_an_offered_v2_scope_cannot_be_registered(string scope)
    {
        var refused = Assert.Throws<ProblemException>(() => ClientRegistry.ToDescriptor(new ClientDefinition
        {
            ClientId = "smart-bad",
            Type = ClientTypes.Public,
            GrantTypes = ["authorization_code"],
            RedirectUris = ["https://app.example/callback"],
            Scopes = ["openid", scope],
        }));
        Assert.Equal("unknown_scope", refused.ErrorCode);
    }

    [Theory]
    [InlineData(IdentityServer.SmartClient, IdentityServer.SmartRedirect, "openid patient/Observation.sr")] // letters out of order
    [InlineData(IdentityServer.SmartClient, IdentityServer.SmartRedirect, "openid patient/*.read")]        // v1
    [InlineData(IdentityServer.PortalClient, IdentityServer.PortalRedirect, "openid patient/*.rs")]        // not registered for SMART scopes
    public async Task An_authorization_request_with_a_scope_the_client_may_not_have_gets_an_oauth_error_and_no_code(string client, string redirect, string scope)
    {
        using var session = new FormSession(Server.BaseAddress);
        using var response = await session.GetAsync(CodeFlow.AuthorizeUrl(client, redirect, scope, Pkce.Create()));
        // OpenIddict answers on its own page (400) rather than redirecting: no code ever reaches the redirect URI.
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var body = await response.Content.ReadAsStringAsync();
        var error = body.Split('\n').Single(line => line.StartsWith("error:", StringComparison.Ordinal))["error:".Length..];
        Assert.Contains(error, new[] { Errors.InvalidScope, Errors.InvalidRequest });
    }
}
