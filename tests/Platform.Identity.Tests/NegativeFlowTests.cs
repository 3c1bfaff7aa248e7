using System.Net;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests;

/// <summary>The ways an interactive sign-in must fail.</summary>
public sealed class NegativeFlowTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task Wrong_totp_code_is_refused_and_a_used_code_cannot_be_replayed()
    {
        var clinician = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Clinician);
        using var session = new FormSession(Server.BaseAddress);
        using var login = await session.SubmitAsync("/account/login", new Dictionary<string, string> { ["Email"] = clinician.Email, ["Password"] = clinician.Password });
        var challenge = FormSession.Location(login);
        Assert.StartsWith("/account/login-2fa", challenge, StringComparison.Ordinal);

        using var wrong = await session.SubmitAsync(challenge, new Dictionary<string, string> { ["Code"] = "000000" == clinician.NextCode() ? "111111" : "000000" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);

        var code = clinician.NextCode();
        using var ok = await session.SubmitAsync(challenge, new Dictionary<string, string> { ["Code"] = code });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);

        // Same code, second session: refused even though it is still inside its time window.
        using var other = new FormSession(Server.BaseAddress);
        using var login2 = await other.SubmitAsync("/account/login", new Dictionary<string, string> { ["Email"] = clinician.Email, ["Password"] = clinician.Password });
        using var replay = await other.SubmitAsync(FormSession.Location(login2), new Dictionary<string, string> { ["Code"] = code });
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
    }

    [Fact]
    public async Task Public_client_without_pkce_is_refused()
    {
        using var session = new FormSession(Server.BaseAddress);
        using var response = await session.GetAsync(CodeFlow.AuthorizeUrl(IdentityServer.PortalClient, IdentityServer.PortalRedirect, "openid", pkce: null));
        await AssertRefusedAsync(response, "code_challenge");
    }

    [Fact]
    public async Task Plain_pkce_method_is_refused()
    {
        using var session = new FormSession(Server.BaseAddress);
        using var response = await session.GetAsync(CodeFlow.AuthorizeUrl(IdentityServer.PortalClient, IdentityServer.PortalRedirect, "openid", pkce: null,
            extra: "code_challenge=abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij&code_challenge_method=plain"));
        await AssertRefusedAsync(response, "code_challenge_method");
    }

    // Issue 17, finding 15: RFC 7636 asks for 43 to 128 unreserved characters.
    [Theory]
    [InlineData("abc")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghij12")]
    [InlineData("abcdefghijabcdefghijabcdefghijabcdefghij1+3")]
    public async Task A_code_challenge_of_the_wrong_shape_is_refused(string challenge)
    {
        using var session = new FormSession(Server.BaseAddress);
        using var response = await session.GetAsync(CodeFlow.AuthorizeUrl(IdentityServer.PortalClient, IdentityServer.PortalRedirect, "openid", pkce: null,
            extra: "code_challenge=" + Uri.EscapeDataString(challenge) + "&code_challenge_method=S256"));
        await AssertRefusedAsync(response, "code_challenge");
    }

    [Fact]
    public async Task A_pushed_request_with_a_short_code_challenge_is_refused_in_the_OAuth_format()
    {
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = IdentityServer.ThirdPartyClient,
            ["client_secret"] = IdentityServer.ThirdPartySecret,
            ["redirect_uri"] = IdentityServer.ThirdPartyRedirect,
            ["response_type"] = "code",
            ["scope"] = "openid",
            ["code_challenge"] = "abc",
            ["code_challenge_method"] = "S256",
        });
        using var response = await Server.Service.Client.PostAsync("/connect/par", content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("invalid_request", body.GetProperty("error").GetString());
    }

    [Fact]
    public void The_challenge_of_RFC_7636s_example_is_well_formed() =>
        Assert.True(Platform.Identity.Oidc.PkceChallengeRule.IsWellFormed("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));

    /// <summary>OpenIddict refuses before any sign-in: either straight away (400) or back to the client with an error.</summary>
    private static async Task AssertRefusedAsync(HttpResponseMessage response, string mentions)
    {
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            Assert.Contains(mentions, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            return;
        }
        var query = CodeFlow.QueryOf(FormSession.Location(response));
        Assert.Equal("invalid_request", query["error"]);
        Assert.Contains(mentions, query["error_description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_pkce_verifier_and_a_replayed_code_are_refused_at_the_token_endpoint()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(Server.BaseAddress);
        var flow = new CodeFlow(session);
        var pkce = Pkce.Create();
        var redirect = await flow.RunAsync(CodeFlow.AuthorizeUrl(IdentityServer.PortalClient, IdentityServer.PortalRedirect, "openid", pkce), patient);
        var code = CodeFlow.QueryOf(redirect)["code"];

        var (wrongStatus, wrong) = await flow.RedeemCodeAsync(code, IdentityServer.PortalClient, IdentityServer.PortalRedirect, Pkce.Create().Verifier);
        Assert.Equal(HttpStatusCode.BadRequest, wrongStatus);
        Assert.Equal("invalid_grant", wrong.GetProperty("error").GetString());

        // A code is single-use: the failed attempt above already consumed it; so does any second redemption.
        var (missingStatus, missing) = await flow.RedeemCodeAsync(code, IdentityServer.PortalClient, IdentityServer.PortalRedirect, verifier: null);
        Assert.Equal(HttpStatusCode.BadRequest, missingStatus);
        Assert.Contains(missing.GetProperty("error").GetString(), new[] { "invalid_grant", "invalid_request" });

        var fresh = Pkce.Create();
        var second = await flow.RunAsync(CodeFlow.AuthorizeUrl(IdentityServer.PortalClient, IdentityServer.PortalRedirect, "openid", fresh), patient);
        var secondCode = CodeFlow.QueryOf(second)["code"];
        var (okStatus, _) = await flow.RedeemCodeAsync(secondCode, IdentityServer.PortalClient, IdentityServer.PortalRedirect, fresh.Verifier);
        Assert.Equal(HttpStatusCode.OK, okStatus);
        var (replayStatus, replay) = await flow.RedeemCodeAsync(secondCode, IdentityServer.PortalClient, IdentityServer.PortalRedirect, fresh.Verifier);
        Assert.Equal(HttpStatusCode.BadRequest, replayStatus);
        Assert.Equal("invalid_grant", replay.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("clinician-portal", "http://127.0.0.1:5173/elsewhere")]
    [InlineData("clinician-portal", "https://attacker.example/callback")]
    [InlineData("no-such-client", "http://127.0.0.1:5173/callback")]
    public async Task Redirect_uri_mismatch_or_unknown_client_gets_an_error_page_not_a_redirect(string clientId, string redirectUri)
    {
        using var session = new FormSession(Server.BaseAddress);
        using var response = await session.GetAsync(CodeFlow.AuthorizeUrl(clientId, redirectUri, "openid", Pkce.Create()));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Clinician_not_yet_activated_is_refused_with_access_denied()
    {
        var clinician = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Clinician, activated: false);
        using var session = new FormSession(Server.BaseAddress);
        // Asking for records: refused. (Identity verification alone — the kyc scope — is allowed; KYC can activate them.)
        var redirect = await new CodeFlow(session).RunAsync(
            CodeFlow.AuthorizeUrl(IdentityServer.PortalClient, IdentityServer.PortalRedirect, "openid records", Pkce.Create()), clinician);
        var query = CodeFlow.QueryOf(redirect);
        Assert.Equal("access_denied", query["error"]);
        Assert.Contains("activated", query["error_description"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Clinician_without_a_second_factor_must_enrol_before_getting_a_code()
    {
        var clinician = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Clinician, enrolTotp: false);
        using var session = new FormSession(Server.BaseAddress);
        var flow = new CodeFlow(session);
        var pkce = Pkce.Create();
        var enrol = await flow.RunAsync(CodeFlow.AuthorizeUrl(IdentityServer.PortalClient, IdentityServer.PortalRedirect, "openid", pkce), clinician);
        Assert.StartsWith("/account/totp?returnUrl=", enrol, StringComparison.Ordinal);

        using var page = await session.GetAsync(enrol);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        var secretText = System.Text.RegularExpressions.Regex.Match(html, "id=\"totp-secret\">([A-Z2-7]+)<").Groups[1].Value;
        var code = Totp.Compute(Base32.Decode(secretText), Totp.TimeStep(DateTimeOffset.UtcNow));
        using var enrolled = await session.SubmitHtmlFormAsync(enrol, html, new Dictionary<string, string> { ["Code"] = code });

        var redirect = await flow.RunAsync(FormSession.Location(enrolled), clinician);
        var (status, tokens) = await flow.RedeemCodeAsync(CodeFlow.QueryOf(redirect)["code"], IdentityServer.PortalClient, IdentityServer.PortalRedirect, pkce.Verifier);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("urn:platform:acr:mfa", Jwt.Payload(tokens.GetProperty("access_token").GetString()!).GetProperty("acr").GetString());
    }
}
