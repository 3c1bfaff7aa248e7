using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Playwright;
using Platform.Identity.Accounts;
using Platform.Identity.Oidc;
using Platform.Identity.Testing;
using Platform.Testing;
using Platform.Testing.Browser;
using static Microsoft.Playwright.Assertions;

namespace Platform.Journey.Tests.ClinicianPortal;

/// <summary>
/// OpenID Connect Back-Channel Logout 1.0 at a relying party, the clinician portal under the dev host: signing out at
/// the identity service ends the portal's session within moments: the identity service waits up to 2 s for the portal's
/// first answer and keeps delivering in the background after that (without it the portal's cookie would live until
/// its access token expires); and the portal's <c>/backchannel-logout</c> refuses every malformed logout token with
/// 400 (§2.8), a replayed one included.
/// </summary>
public sealed class PortalBackchannelLogoutTests(PortalPlatform platform) : IClassFixture<PortalPlatform>
{
    private const string LogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    [Fact]
    public async Task Signing_out_at_the_identity_service_ends_the_portal_session()
    {
        var clinician = await TestAccounts.CreateAsync(platform.IdentityServices, PlatformRoles.Clinician);
        var (context, page) = await platform.NewPageAsync();
        await using var _ = context;
        await BrowserSteps.WithScreenshotOnFailureAsync(page, async () =>
        {
            await page.GotoAsync(platform.Portal.AbsoluteUri);
            await BrowserSteps.WaitForPathAsync(page, "/account/login");
            await page.GetByLabel("E-mail address", new() { Exact = true }).FillAsync(clinician.Email);
            await page.GetByLabel("Password", new() { Exact = true }).FillAsync(clinician.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await BrowserSteps.WaitForPathAsync(page, "/account/login-2fa");
            await page.GetByLabel("6-digit code").FillAsync(clinician.NextCode());
            await page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My patients" })).ToBeVisibleAsync();

            // Signed out at the identity service, as from any other application of the platform.
            await page.GotoAsync(new Uri(platform.Identity, "account/logout").AbsoluteUri);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
            // The banner, not the load event: in one CI run the page was shown signed out and its load event never
            // came within 30 s on a loaded machine.
            await Expect(page.Locator("#signed-out")).ToBeVisibleAsync(new() { Timeout = 30_000 });

            // The portal's cookie is refused: the next page sends the browser to sign in again. The identity service
            // answers the sign-out after waiting at most 2 s for the portal's first back-channel answer
            // (BackchannelLogoutNotifier.FirstAttemptWait) and delivers the logout token in the background, so on a
            // loaded machine the portal may end the session a moment after the banner shows: open it until it does.
            await Eventually.TrueAsync(async () =>
            {
                await page.GotoAsync(platform.Portal.AbsoluteUri);
                return page.Url.StartsWith(new Uri(platform.Identity, "account/login").AbsoluteUri, StringComparison.Ordinal);
            }, "the portal sends the signed-out browser to sign in", TimeSpan.FromSeconds(30));
            await BrowserSteps.WaitForPathAsync(page, "/account/login");
            Assert.StartsWith(platform.Identity.AbsoluteUri, page.Url, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Malformed_logout_tokens_are_refused_with_400_and_a_valid_one_once()
    {
        var clientId = "clinician-portal";
        var issuer = platform.Identity.AbsoluteUri;
        var good = Claims(sid: "some-session");

        await AssertRefusedAsync(new StringContent("{\"logout_token\":\"x\"}", Encoding.UTF8, "application/json"), "a JSON body");
        await AssertRefusedAsync(Form(("other", "x")), "no logout_token");
        await AssertRefusedAsync(Form(("logout_token", "a"), ("logout_token", "b")), "two logout_tokens");
        await AssertRefusedAsync(Form(("logout_token", "not-a-jwt")), "not a JWT");
        using var foreignKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await AssertRefusedAsync(Token(good, issuer, clientId, credentials: new SigningCredentials(new ECDsaSecurityKey(foreignKey) { KeyId = "foreign" }, SecurityAlgorithms.EcdsaSha256)), "a key not in the JWKS");
        await AssertRefusedAsync(Token(good, "https://elsewhere.example/", clientId), "another issuer");
        await AssertRefusedAsync(Token(good, issuer, "another-client"), "another audience");
        await AssertRefusedAsync(Token(good, issuer, clientId, type: "JWT"), "typ JWT");
        await AssertRefusedAsync(Token(good, issuer, clientId, expires: DateTime.UtcNow.AddMinutes(-5)), "expired");
        await AssertRefusedAsync(Token(With(good, "nonce", "n-1"), issuer, clientId), "a nonce");
        await AssertRefusedAsync(Token(Without(good, "events"), issuer, clientId), "no events");
        await AssertRefusedAsync(Token(With(good, "events", new Dictionary<string, object> { [LogoutEvent] = "yes" }), issuer, clientId), "the event not an object");
        await AssertRefusedAsync(Token(Without(good, "jti"), issuer, clientId), "no jti");
        await AssertRefusedAsync(Token(Without(Without(good, "sid"), "sub"), issuer, clientId), "neither sub nor sid");

        var valid = Jwt(good, issuer, clientId);
        using var http = new HttpClient { BaseAddress = platform.Portal };
        using (var accepted = await http.PostAsync("backchannel-logout", Form(("logout_token", valid))))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            Assert.Equal("no-store", accepted.Headers.CacheControl?.ToString());
        }
        await AssertRefusedAsync(Form(("logout_token", valid)), "the same token again (replay)");
    }

    private async Task AssertRefusedAsync(HttpContent content, string what)
    {
        using var http = new HttpClient { BaseAddress = platform.Portal };
        using var response = await http.PostAsync("backchannel-logout", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode} {body}");
        Assert.Equal("invalid_request", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    private static Dictionary<string, object> Claims(string sid) => new()
    {
        ["jti"] = Guid.NewGuid().ToString("N"),
        ["sub"] = "someone",
        ["sid"] = sid,
        ["events"] = new Dictionary<string, object> { [LogoutEvent] = new Dictionary<string, object>() },
    };

    private static Dictionary<string, object> With(Dictionary<string, object> claims, string name, object value) =>
        new(claims) { [name] = value, ["jti"] = Guid.NewGuid().ToString("N") };

    private static Dictionary<string, object> Without(Dictionary<string, object> claims, string name)
    {
        var copy = new Dictionary<string, object>(claims) { ["jti"] = Guid.NewGuid().ToString("N") };
        copy.Remove(name);
        return copy;
    }

    /// <summary>A logout token signed, unless told otherwise, with the identity service's own active key.</summary>
    private FormUrlEncodedContent Token(
        Dictionary<string, object> claims, string issuer, string audience, string type = "logout+jwt", DateTime? expires = null, SigningCredentials? credentials = null) =>
        Form(("logout_token", Jwt(claims, issuer, audience, type, expires, credentials)));

    private string Jwt(Dictionary<string, object> claims, string issuer, string audience, string type = "logout+jwt", DateTime? expires = null, SigningCredentials? credentials = null)
    {
        var now = DateTime.UtcNow;
        var end = expires ?? now.AddMinutes(2);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            TokenType = type,
            Issuer = issuer,
            Audience = audience,
            IssuedAt = end < now ? end.AddMinutes(-2) : now,
            Expires = end,
            Claims = claims,
            SigningCredentials = credentials ?? platform.IdentityServices.GetRequiredService<SigningKeyRing>().Published[0],
        });
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
}
