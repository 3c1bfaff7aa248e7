using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Identity.Accounts;
using Platform.Identity.Data;
using Platform.Identity.Sessions;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests;

/// <summary>
/// Issue 17, finding 5: the identity cookie is a reference to a server-side session. Logout and admin revocation end
/// that session, so a copy of the cookie stops working; and an end-session request carrying someone else's
/// id_token_hint does not sign the browser's own user out without asking.
/// </summary>
public sealed class SessionEndTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private const string PostLogoutRedirect = "http://127.0.0.1:5173/";

    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task A_cookie_copied_before_logout_is_refused_afterwards()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var browser = new FormSession(Server.BaseAddress);
        var flow = new CodeFlow(browser);
        var tokens = await flow.SignInThroughPortalAsync(patient);
        using var thief = CopyOf(browser);
        // The copy works while the session lives (this is what a stolen cookie gives).
        Assert.True(CodeFlow.QueryOf(await SilentAuthorizeAsync(thief)).ContainsKey("code"));

        using var logout = await browser.GetAsync(EndSessionUrl(tokens.GetProperty("id_token").GetString()!));
        Assert.StartsWith(PostLogoutRedirect + "?state=bye", FormSession.Location(logout), StringComparison.Ordinal);

        // After logout the copied cookie gets the sign-in page, not a code.
        using var authorize = await thief.GetAsync(CodeFlow.AuthorizeUrl(IdentityServer.PortalClient, IdentityServer.PortalRedirect, "openid", Pkce.Create()));
        var location = FormSession.Location(authorize);
        Assert.StartsWith("/account/login?", location, StringComparison.Ordinal);
        Assert.DoesNotContain("code=", location, StringComparison.Ordinal);
        Assert.Equal("login_required", CodeFlow.QueryOf(await SilentAuthorizeAsync(thief))["error"]);
        // The copy no longer opens the account page either.
        using var account = await thief.GetAsync("/account");
        Assert.Equal(Server.BaseAddress.AbsoluteUri + "account/login?ReturnUrl=%2Faccount", FormSession.Location(account));
        // And the refresh token the session obtained was revoked with it.
        var (refreshStatus, refresh) = await flow.TokenAsync(RefreshForm(tokens.GetProperty("refresh_token").GetString()!));
        Assert.Equal(HttpStatusCode.BadRequest, refreshStatus);
        Assert.Equal("invalid_grant", refresh.GetProperty("error").GetString());
        Assert.Equal(SessionEndReasons.Logout, (await SessionsOfAsync(patient.Id)).Single().EndReason);
    }

    [Fact]
    public async Task A_new_sign_in_on_the_same_browser_ends_the_session_it_replaces()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var browser = new FormSession(Server.BaseAddress);
        var flow = new CodeFlow(browser);
        await flow.SignInThroughPortalAsync(patient);
        using var thief = CopyOf(browser);

        // prompt=login: the client asks for a fresh sign-in, which issues a new cookie for a new session.
        var redirect = await flow.RunAsync(
            CodeFlow.AuthorizeUrl(IdentityServer.PortalClient, IdentityServer.PortalRedirect, "openid", Pkce.Create(), extra: "prompt=login"), patient);
        Assert.True(CodeFlow.QueryOf(redirect).ContainsKey("code"), redirect);

        Assert.Equal("login_required", CodeFlow.QueryOf(await SilentAuthorizeAsync(thief))["error"]);
        Assert.True(CodeFlow.QueryOf(await SilentAuthorizeAsync(browser)).ContainsKey("code"));
        var sessions = await SessionsOfAsync(patient.Id);
        Assert.Equal(2, sessions.Count);
        Assert.Single(sessions, s => s.EndedAt is null);
    }

    [Fact]
    public async Task An_id_token_hint_for_another_user_does_not_sign_out_without_confirmation()
    {
        var alice = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var mallory = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var alicesBrowser = new FormSession(Server.BaseAddress);
        await new CodeFlow(alicesBrowser).SignInThroughPortalAsync(alice);
        using var mallorysBrowser = new FormSession(Server.BaseAddress);
        var mallorysIdToken = (await new CodeFlow(mallorysBrowser).SignInThroughPortalAsync(mallory)).GetProperty("id_token").GetString()!;

        // Mallory links Alice's browser to the end-session endpoint with Mallory's own id_token.
        using var csrf = await alicesBrowser.GetAsync(EndSessionUrl(mallorysIdToken));
        var confirm = FormSession.Location(csrf);
        Assert.StartsWith("/account/logout?returnUrl=", confirm, StringComparison.Ordinal);
        Assert.Contains("otherAccount=true", confirm, StringComparison.Ordinal);
        // Alice is still signed in.
        Assert.True(CodeFlow.QueryOf(await SilentAuthorizeAsync(alicesBrowser)).ContainsKey("code"));

        using var page = await alicesBrowser.GetAsync(confirm);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        // The platform's page headers: no framing (clickjacking the button), no sniffing.
        Assert.Equal(Platform.ServiceDefaults.SecurityHeaders.PagePolicy, page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("id=\"other-account\"", html, StringComparison.Ordinal);
        Assert.Contains(alice.Email, html, StringComparison.Ordinal);
        Assert.Contains("action=\"/connect/endsession\"", html, StringComparison.Ordinal);
        Assert.Contains("__RequestVerificationToken", html, StringComparison.Ordinal);

        // A forged POST without the page's antiforgery token is not a confirmation either.
        using var forged = await alicesBrowser.Http.PostAsync("/connect/endsession", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["id_token_hint"] = mallorysIdToken,
            ["post_logout_redirect_uri"] = PostLogoutRedirect,
            ["submit.accept"] = "1",
        }));
        Assert.StartsWith("/account/logout?", FormSession.Location(forged), StringComparison.Ordinal);
        Assert.True(CodeFlow.QueryOf(await SilentAuthorizeAsync(alicesBrowser)).ContainsKey("code"));

        // Alice confirms on the page: now her session ends and the client gets its redirect.
        using var confirmed = await alicesBrowser.SubmitHtmlFormAsync(confirm, html, new Dictionary<string, string>(), button: "submit.accept");
        Assert.StartsWith(PostLogoutRedirect, FormSession.Location(confirmed), StringComparison.Ordinal);
        Assert.Equal("login_required", CodeFlow.QueryOf(await SilentAuthorizeAsync(alicesBrowser))["error"]);
        // Mallory's own session was never touched.
        Assert.True(CodeFlow.QueryOf(await SilentAuthorizeAsync(mallorysBrowser)).ContainsKey("code"));
    }

    [Fact]
    public async Task Logout_without_a_hint_asks_the_signed_in_user_first()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var browser = new FormSession(Server.BaseAddress);
        await new CodeFlow(browser).SignInThroughPortalAsync(patient);

        using var logout = await browser.GetAsync("/connect/endsession?post_logout_redirect_uri=" + Uri.EscapeDataString(PostLogoutRedirect));
        var confirm = FormSession.Location(logout);
        Assert.StartsWith("/account/logout?returnUrl=", confirm, StringComparison.Ordinal);
        Assert.DoesNotContain("otherAccount", confirm, StringComparison.Ordinal);
        Assert.True(CodeFlow.QueryOf(await SilentAuthorizeAsync(browser)).ContainsKey("code"));
    }

    [Fact]
    public async Task An_admin_revokes_every_session_of_an_account()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var laptop = new FormSession(Server.BaseAddress);
        var laptopTokens = await new CodeFlow(laptop).SignInThroughPortalAsync(patient);
        using var phone = new FormSession(Server.BaseAddress);
        var phoneFlow = new CodeFlow(phone);
        var phoneTokens = await phoneFlow.SignInThroughPortalAsync(patient);
        var admin = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Admin);
        using var adminBrowser = new FormSession(Server.BaseAddress);
        var adminToken = (await new CodeFlow(adminBrowser).SignInThroughPortalAsync(admin, "openid identity.admin")).GetProperty("access_token").GetString()!;
        var revokeUrl = $"/admin/users/{patient.Id}/sessions/revoke";

        // Only administrators: anonymous callers and the patient's own token are refused, and nothing ends.
        using (var anonymous = await laptop.Http.PostAsync(revokeUrl, null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
        using (var notAdmin = await PostAsync(laptop, revokeUrl, laptopTokens.GetProperty("access_token").GetString()!))
        {
            Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        }
        Assert.True(CodeFlow.QueryOf(await SilentAuthorizeAsync(laptop)).ContainsKey("code"));
        using (var unknown = await PostAsync(adminBrowser, "/admin/users/00000000000000000000000000000000/sessions/revoke", adminToken))
        {
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        }

        using var revoked = await PostAsync(adminBrowser, revokeUrl, adminToken);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var body = JsonDocument.Parse(await revoked.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(2, body.GetProperty("sessionsEnded").GetInt32());
        Assert.True(body.GetProperty("authorizationsRevoked").GetInt64() >= 2);

        // Both browsers are signed out, and the refresh tokens they obtained are dead.
        Assert.Equal("login_required", CodeFlow.QueryOf(await SilentAuthorizeAsync(laptop))["error"]);
        Assert.Equal("login_required", CodeFlow.QueryOf(await SilentAuthorizeAsync(phone))["error"]);
        foreach (var tokens in new[] { laptopTokens, phoneTokens })
        {
            var (status, refresh) = await phoneFlow.TokenAsync(RefreshForm(tokens.GetProperty("refresh_token").GetString()!));
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("invalid_grant", refresh.GetProperty("error").GetString());
        }
        // Recorded: who ended the sessions, and why.
        Assert.All(await SessionsOfAsync(patient.Id), s =>
        {
            Assert.Equal(SessionEndReasons.AdminRevoked, s.EndReason);
            Assert.Equal(admin.Id, s.EndedBy);
        });
        // The admin's own session is untouched.
        Assert.True(CodeFlow.QueryOf(await SilentAuthorizeAsync(adminBrowser)).ContainsKey("code"));
    }

    private static async Task<HttpResponseMessage> PostAsync(FormSession session, string url, string bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        return await session.Http.SendAsync(request);
    }

    /// <summary>A second client holding copies of the first one's cookies (a stolen or lingering cookie).</summary>
    private FormSession CopyOf(FormSession original)
    {
        var copy = new FormSession(Server.BaseAddress);
        foreach (Cookie cookie in original.Cookies.GetAllCookies())
        {
            copy.Cookies.Add(new Cookie(cookie.Name, cookie.Value, cookie.Path, cookie.Domain));
        }
        return copy;
    }

    private static async Task<string> SilentAuthorizeAsync(FormSession session) =>
        await new CodeFlow(session).RunAsync(
            CodeFlow.AuthorizeUrl(IdentityServer.PortalClient, IdentityServer.PortalRedirect, "openid", Pkce.Create(), extra: "prompt=none"), account: null);

    private static string EndSessionUrl(string idTokenHint) =>
        "/connect/endsession?id_token_hint=" + idTokenHint + "&post_logout_redirect_uri=" + Uri.EscapeDataString(PostLogoutRedirect) + "&state=bye";

    private static Dictionary<string, string> RefreshForm(string refreshToken) => new()
    {
        ["grant_type"] = "refresh_token",
        ["refresh_token"] = refreshToken,
        ["client_id"] = IdentityServer.PortalClient,
    };

    private async Task<List<SignInSession>> SessionsOfAsync(string userId)
    {
        using var scope = Server.Service.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>();
        return await db.SignInSessions.AsNoTracking().Where(s => s.UserId == userId).ToListAsync();
    }
}
