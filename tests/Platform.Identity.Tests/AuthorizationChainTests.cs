using System.Net;
using System.Text.Json;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests;

/// <summary>
/// Issue 17, finding 13: every code flow gets its own authorization, so OpenIddict's reuse detection (a replayed
/// code, a reused refresh token) revokes the chain it belongs to and leaves the user's other sessions on the same
/// client working.
/// </summary>
public sealed class AuthorizationChainTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task Reusing_one_sessions_refresh_token_revokes_that_chain_only()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var browserA = new FormSession(Server.BaseAddress);
        var flowA = new CodeFlow(browserA);
        var originalA = (await flowA.SignInThroughPortalAsync(patient)).GetProperty("refresh_token").GetString()!;
        using var browserB = new FormSession(Server.BaseAddress);
        var flowB = new CodeFlow(browserB);
        var refreshB = (await flowB.SignInThroughPortalAsync(patient)).GetProperty("refresh_token").GetString()!;

        var successorA = await RefreshAsync(flowA, originalA);
        var (reuseStatus, reuse) = await flowA.TokenAsync(RefreshForm(originalA));
        Assert.Equal(HttpStatusCode.BadRequest, reuseStatus);
        Assert.Equal("invalid_grant", reuse.GetProperty("error").GetString());
        // A's chain is gone, the legitimate successor included...
        var (successorStatus, _) = await flowA.TokenAsync(RefreshForm(successorA));
        Assert.Equal(HttpStatusCode.BadRequest, successorStatus);
        // ...but B, the same user on the same client, keeps refreshing.
        var nextB = await RefreshAsync(flowB, refreshB);
        await RefreshAsync(flowB, nextB);
    }

    [Fact]
    public async Task Replaying_one_sessions_code_revokes_that_chain_only()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var browserB = new FormSession(Server.BaseAddress);
        var flowB = new CodeFlow(browserB);
        var refreshB = (await flowB.SignInThroughPortalAsync(patient)).GetProperty("refresh_token").GetString()!;

        using var browserA = new FormSession(Server.BaseAddress);
        var flowA = new CodeFlow(browserA);
        var pkce = Pkce.Create();
        var redirect = await flowA.RunAsync(CodeFlow.AuthorizeUrl(IdentityServer.PortalClient, IdentityServer.PortalRedirect,
            "openid offline_access records", pkce), patient);
        var code = CodeFlow.QueryOf(redirect)["code"];
        var (firstStatus, first) = await flowA.RedeemCodeAsync(code, IdentityServer.PortalClient, IdentityServer.PortalRedirect, pkce.Verifier);
        Assert.Equal(HttpStatusCode.OK, firstStatus);
        var (replayStatus, replay) = await flowA.RedeemCodeAsync(code, IdentityServer.PortalClient, IdentityServer.PortalRedirect, pkce.Verifier);
        Assert.Equal(HttpStatusCode.BadRequest, replayStatus);
        Assert.Equal("invalid_grant", replay.GetProperty("error").GetString());

        // The replay revoked what the code had produced...
        var (aStatus, _) = await flowA.TokenAsync(RefreshForm(first.GetProperty("refresh_token").GetString()!));
        Assert.Equal(HttpStatusCode.BadRequest, aStatus);
        // ...and nothing of session B.
        await RefreshAsync(flowB, refreshB);
    }

    private static async Task<string> RefreshAsync(CodeFlow flow, string refreshToken)
    {
        var (status, body) = await flow.TokenAsync(RefreshForm(refreshToken));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("refresh_token").GetString()!;
    }

    private static Dictionary<string, string> RefreshForm(string refreshToken) => new()
    {
        ["grant_type"] = "refresh_token",
        ["refresh_token"] = refreshToken,
        ["client_id"] = IdentityServer.PortalClient,
    };
}
