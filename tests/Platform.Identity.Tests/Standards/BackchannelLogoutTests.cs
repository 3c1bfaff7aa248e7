using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Platform.Identity.Accounts;
using Platform.Identity.Oidc;
using Platform.Identity.Testing;
using Platform.Testing;

namespace Platform.Identity.Tests.Standards;

/// <summary>
/// OpenID Connect Back-Channel Logout 1.0 at the provider: ID tokens carry <c>sid</c>; logout at the end-session
/// endpoint sends the client a logout token (§2.4) naming that <c>sid</c> and the subject, checked here with the keys
/// and issuer a relying party reads from discovery; a client that answers 503 gets it again; an administrator's
/// revocation reaches every client the user signed in to (<c>sub</c> only, unless the client requires <c>sid</c>).
/// </summary>
public sealed class BackchannelLogoutTests(BackchannelLogoutTests.Fixture fixture) : IClassFixture<BackchannelLogoutTests.Fixture>
{
    public const string SessionClient = "logout-rp";
    public const string SessionRedirect = "http://127.0.0.1:6201/callback";
    public const string SubjectClient = "logout-rp-rs256";
    public const string SubjectRedirect = "http://127.0.0.1:6202/callback";
    private const string LogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    [Fact]
    public async Task Discovery_says_back_channel_logout_is_supported_with_sessions()
    {
        using var session = new FormSession(fixture.Server.BaseAddress);
        var discovery = await session.Http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        Assert.True(discovery.GetProperty("backchannel_logout_supported").GetBoolean());
        Assert.True(discovery.GetProperty("backchannel_logout_session_supported").GetBoolean());
    }

    [Fact]
    public async Task Logout_at_the_end_session_endpoint_sends_the_client_a_logout_token_for_that_session()
    {
        var patient = await TestAccounts.CreateAsync(fixture.Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var browser = new FormSession(fixture.Server.BaseAddress);
        var idToken = await SignInAsync(browser, patient, SessionClient, SessionRedirect);
        var sid = Jwt.Payload(idToken).GetProperty("sid").GetString();
        Assert.False(string.IsNullOrEmpty(sid));
        var before = fixture.SessionReceiver.Received.Count;

        using var logout = await browser.GetAsync("/connect/endsession?id_token_hint=" + Uri.EscapeDataString(idToken));
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        var token = await NextTokenAsync(fixture.SessionReceiver, before);
        var payload = await ValidateAsync(browser, token, SessionClient, SecurityAlgorithms.EcdsaSha256);
        Assert.Equal(patient.Id, payload.GetProperty("sub").GetString());
        Assert.Equal(sid, payload.GetProperty("sid").GetString());
    }

    [Fact]
    public async Task A_client_that_answers_503_gets_the_logout_token_again()
    {
        var patient = await TestAccounts.CreateAsync(fixture.Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var browser = new FormSession(fixture.Server.BaseAddress);
        var idToken = await SignInAsync(browser, patient, SessionClient, SessionRedirect);
        var before = fixture.SessionReceiver.Received.Count;
        fixture.SessionReceiver.FailNext(2);

        using var logout = await browser.GetAsync("/connect/endsession?id_token_hint=" + Uri.EscapeDataString(idToken));

        // Retried after 1 s and 4 s: the third attempt is answered 200.
        await Eventually.TrueAsync(() => Task.FromResult(fixture.SessionReceiver.Received.Skip(before).Count(r => r.Status == 200) == 1),
            "the logout token delivered on the third attempt", TimeSpan.FromSeconds(20));
        var attempts = fixture.SessionReceiver.Received.Skip(before).ToList();
        Assert.Equal([503, 503, 200], attempts.Select(a => a.Status));
        Assert.Single(attempts.Select(a => a.Token).Distinct());
    }

    [Fact]
    public async Task An_administrators_revocation_reaches_every_client_the_user_signed_in_to()
    {
        var patient = await TestAccounts.CreateAsync(fixture.Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var browser = new FormSession(fixture.Server.BaseAddress);
        var sessionIdToken = await SignInAsync(browser, patient, SessionClient, SessionRedirect);
        await SignInAsync(browser, patient, SubjectClient, SubjectRedirect);
        var admin = await TestAccounts.CreateAsync(fixture.Server.Service.Services, PlatformRoles.Admin);
        using var adminBrowser = new FormSession(fixture.Server.BaseAddress);
        var adminToken = (await new CodeFlow(adminBrowser).SignInThroughPortalAsync(admin, "openid identity.admin")).GetProperty("access_token").GetString()!;
        var beforeSession = fixture.SessionReceiver.Received.Count;
        var beforeSubject = fixture.SubjectReceiver.Received.Count;

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/users/{patient.Id}/sessions/revoke");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminToken);
        using var revoked = await adminBrowser.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);

        // The client registered without backchannel_logout_session_required hears "every session of this user", RS256 as its ID tokens.
        var subjectOnly = await ValidateAsync(browser, await NextTokenAsync(fixture.SubjectReceiver, beforeSubject), SubjectClient, SecurityAlgorithms.RsaSha256);
        Assert.Equal(patient.Id, subjectOnly.GetProperty("sub").GetString());
        Assert.False(subjectOnly.TryGetProperty("sid", out _));
        // The one that requires sid hears of the session it had.
        var withSession = await ValidateAsync(browser, await NextTokenAsync(fixture.SessionReceiver, beforeSession), SessionClient, SecurityAlgorithms.EcdsaSha256);
        Assert.Equal(Jwt.Payload(sessionIdToken).GetProperty("sid").GetString(), withSession.GetProperty("sid").GetString());
    }

    [Theory]
    [InlineData("ftp://rp.example/logout")]
    [InlineData("http://rp.example/logout")]
    [InlineData("https://rp.example/logout#fragment")]
    public void A_back_channel_logout_uri_must_be_https_or_loopback_without_fragment(string uri)
    {
        var problem = Assert.Throws<Platform.ServiceDefaults.ProblemException>(() => ClientRegistry.ToDescriptor(new ClientDefinition
        {
            ClientId = "bad-logout-uri",
            Type = ClientTypes.Public,
            GrantTypes = ["authorization_code"],
            RedirectUris = ["https://rp.example/callback"],
            Scopes = ["openid"],
            BackchannelLogoutUri = uri,
        }));
        Assert.Equal("invalid_backchannel_logout_uri", problem.ErrorCode);
    }

    private static async Task<string> SignInAsync(FormSession browser, TestAccount account, string clientId, string redirect)
    {
        var flow = new CodeFlow(browser);
        var pkce = Pkce.Create();
        var location = await flow.RunAsync(CodeFlow.AuthorizeUrl(clientId, redirect, "openid", pkce), account);
        var (status, body) = await flow.RedeemCodeAsync(CodeFlow.QueryOf(location)["code"], clientId, redirect, pkce.Verifier);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("id_token").GetString()!;
    }

    private static async Task<string> NextTokenAsync(LogoutTokenReceiver receiver, int before)
    {
        await Eventually.TrueAsync(() => Task.FromResult(receiver.Received.Count > before), "a logout token delivered");
        var (token, _) = receiver.Received.Skip(before).First();
        Assert.False(string.IsNullOrEmpty(token));
        return token!;
    }

    /// <summary>The relying party's checks (§2.6), with the issuer and keys it reads from discovery; returns the payload.</summary>
    private static async Task<JsonElement> ValidateAsync(FormSession session, string token, string clientId, string algorithm)
    {
        var discovery = await session.Http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        var jwks = new JsonWebKeySet(await session.Http.GetStringAsync(discovery.GetProperty("jwks_uri").GetString()));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = discovery.GetProperty("issuer").GetString(),
            ValidAudience = clientId,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [algorithm],
            ValidTypes = ["logout+jwt"],
            RequireExpirationTime = true,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        var payload = Jwt.Payload(token);
        Assert.Equal(JsonValueKind.Object, payload.GetProperty("events").GetProperty(LogoutEvent).ValueKind);
        Assert.False(payload.TryGetProperty("nonce", out _));
        Assert.False(string.IsNullOrEmpty(payload.GetProperty("jti").GetString()));
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(payload.GetProperty("iat").GetInt64());
        Assert.InRange(issuedAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.True(payload.GetProperty("exp").GetInt64() > payload.GetProperty("iat").GetInt64());
        return payload;
    }

    /// <summary>The test identity service with two relying parties whose logout endpoints are <see cref="LogoutTokenReceiver"/>s.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public IdentityServer Server { get; private set; } = null!;

        public LogoutTokenReceiver SessionReceiver { get; private set; } = null!;

        public LogoutTokenReceiver SubjectReceiver { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            SessionReceiver = await LogoutTokenReceiver.StartAsync();
            SubjectReceiver = await LogoutTokenReceiver.StartAsync();
            var settings = new Dictionary<string, string?>();
            foreach (var (key, value) in new ClientDefinition[]
                     {
                         new()
                         {
                             ClientId = SessionClient,
                             Type = ClientTypes.Public,
                             ConsentType = ClientConsentTypes.Implicit,
                             GrantTypes = ["authorization_code"],
                             RedirectUris = [SessionRedirect],
                             Scopes = ["openid"],
                             BackchannelLogoutUri = SessionReceiver.Uri.AbsoluteUri,
                             BackchannelLogoutSessionRequired = true,
                         },
                         new()
                         {
                             ClientId = SubjectClient,
                             Type = ClientTypes.Public,
                             ConsentType = ClientConsentTypes.Implicit,
                             GrantTypes = ["authorization_code"],
                             RedirectUris = [SubjectRedirect],
                             Scopes = ["openid"],
                             IdTokenSignedResponseAlg = "RS256",
                             BackchannelLogoutUri = SubjectReceiver.Uri.AbsoluteUri,
                         },
                     }.SelectMany((client, i) => client.ToSettings(10 + i)))
            {
                settings[key] = value;
            }
            Server = await IdentityServer.StartAsync(settings);
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            await SessionReceiver.DisposeAsync();
            await SubjectReceiver.DisposeAsync();
        }
    }
}
