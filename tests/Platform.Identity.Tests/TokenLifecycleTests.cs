using System.Net;
using System.Text.Json;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests;

/// <summary>Refresh with rotation and reuse detection, introspection, revocation and logout.</summary>
public sealed class TokenLifecycleTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task Refresh_rotates_the_refresh_token_and_introspection_then_revocation_end_the_access_token()
    {
        var clinician = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Clinician);
        using var session = new FormSession(Server.BaseAddress);
        var flow = new CodeFlow(session);
        var tokens = await flow.SignInThroughPortalAsync(clinician);
        var firstRefresh = tokens.GetProperty("refresh_token").GetString()!;

        var (status, refreshed) = await flow.TokenAsync(RefreshForm(firstRefresh));
        Assert.Equal(HttpStatusCode.OK, status);
        var secondRefresh = refreshed.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(firstRefresh, secondRefresh);
        var access = refreshed.GetProperty("access_token").GetString()!;
        // How the user authenticated survives the refresh.
        Assert.Equal("urn:platform:acr:mfa", Jwt.Payload(access).GetProperty("acr").GetString());

        var active = await IntrospectAsync(session, access);
        Assert.True(active.GetProperty("active").GetBoolean());
        Assert.Equal(clinician.Id, active.GetProperty("sub").GetString());

        using var revoke = await session.Http.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = access,
            ["token_type_hint"] = "access_token",
            ["client_id"] = IdentityServer.PortalClient,
        }));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.False((await IntrospectAsync(session, access)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task A_refresh_token_reused_after_rotation_revokes_the_whole_family()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(Server.BaseAddress);
        var flow = new CodeFlow(session);
        var tokens = await flow.SignInThroughPortalAsync(patient);
        var original = tokens.GetProperty("refresh_token").GetString()!;

        var (_, rotated) = await flow.TokenAsync(RefreshForm(original));
        var successor = rotated.GetProperty("refresh_token").GetString()!;

        var (reuseStatus, reuse) = await flow.TokenAsync(RefreshForm(original));
        Assert.Equal(HttpStatusCode.BadRequest, reuseStatus);
        Assert.Equal("invalid_grant", reuse.GetProperty("error").GetString());
        // The thief's replay also kills the legitimate successor: the whole chain is revoked.
        var (successorStatus, successorBody) = await flow.TokenAsync(RefreshForm(successor));
        Assert.Equal(HttpStatusCode.BadRequest, successorStatus);
        Assert.Equal("invalid_grant", successorBody.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Logout_with_id_token_hint_ends_the_session_and_returns_to_the_client()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(Server.BaseAddress);
        var flow = new CodeFlow(session);
        var tokens = await flow.SignInThroughPortalAsync(patient);

        using var logout = await session.GetAsync("/connect/endsession?id_token_hint=" + tokens.GetProperty("id_token").GetString() +
                                                  "&post_logout_redirect_uri=" + Uri.EscapeDataString("http://127.0.0.1:5173/") + "&state=bye");
        Assert.StartsWith("http://127.0.0.1:5173/?state=bye", FormSession.Location(logout), StringComparison.Ordinal);

        // The session is gone: a silent authorization request now reports login_required.
        var silent = await flow.RunAsync(CodeFlow.AuthorizeUrl(IdentityServer.PortalClient, IdentityServer.PortalRedirect, "openid", Pkce.Create(), extra: "prompt=none"), account: null);
        Assert.Equal("login_required", CodeFlow.QueryOf(silent)["error"]);
    }

    [Fact]
    public async Task Logout_without_id_token_hint_asks_first()
    {
        using var session = new FormSession(Server.BaseAddress);
        using var logout = await session.GetAsync("/connect/endsession");
        var confirm = FormSession.Location(logout);
        Assert.StartsWith("/account/logout?returnUrl=", confirm, StringComparison.Ordinal);
        using var page = await session.GetAsync(confirm);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("action=\"/connect/endsession\"", html, StringComparison.Ordinal);
        Assert.Contains("__RequestVerificationToken", html, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> RefreshForm(string refreshToken) => new()
    {
        ["grant_type"] = "refresh_token",
        ["refresh_token"] = refreshToken,
        ["client_id"] = IdentityServer.PortalClient,
    };

    private static async Task<JsonElement> IntrospectAsync(FormSession session, string token)
    {
        // The record vault introspects tokens meant for it, authenticating with its own client secret.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/introspect")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"record-vault:{IdentityServer.ResourceServerSecret}")));
        using var response = await session.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
