using System.Net;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests;

/// <summary>A provider with a tight sign-in rate limit and one-second authorization codes.</summary>
public sealed class StrictLimitsTests : IAsyncLifetime
{
    private IdentityServer _server = null!;

    public async Task InitializeAsync() => _server = await IdentityServer.StartAsync(new Dictionary<string, string?>
    {
        ["RateLimiting:sensitive:PermitLimit"] = "6",
        ["RateLimiting:sensitive:WindowSeconds"] = "60",
        ["Identity:AuthorizationCodeLifetime"] = "00:00:01",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_expired_code_is_refused_and_login_guessing_is_rate_limited()
    {
        var patient = await TestAccounts.CreateAsync(_server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(_server.BaseAddress);
        var flow = new CodeFlow(session);
        var pkce = Pkce.Create();
        var redirect = await flow.RunAsync(CodeFlow.AuthorizeUrl(IdentityServer.PortalClient, IdentityServer.PortalRedirect, "openid", pkce), patient);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var (status, body) = await flow.RedeemCodeAsync(CodeFlow.QueryOf(redirect)["code"], IdentityServer.PortalClient, IdentityServer.PortalRedirect, pkce.Verifier);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());

        // The sign-in above used one POST of the six allowed per minute; guessing runs into 429 soon after.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await session.Http.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Email"] = "someone@test.local",
                ["Password"] = "guess number " + i,
            }));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter is not null, "a 429 says when to come back");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }
}
