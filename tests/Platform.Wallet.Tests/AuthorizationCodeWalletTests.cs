using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Platform.Crypto.Jose;
using Platform.Identity.Accounts;
using Platform.Identity.Credentials;
using Platform.Identity.Oidc;
using Platform.Identity.Testing;

namespace Platform.Wallet.Tests;

/// <summary>One identity service (KYC on) shared by the authorization code tests.</summary>
public sealed class WalletIssuerFixture : IAsyncLifetime
{
    public IdentityServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await IdentityServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>
/// <c>wallet receive --authorize</c> against the real identity service: the CLI prints the authorization URL, the test
/// plays the person's browser over HTTP (sign-in, the consent page), and the browser's redirect reaches the CLI's
/// loopback listener (RFC 8252, a port the system chose) or is pasted. Then the CLI checks state and iss, redeems the
/// code with PKCE, and obtains the credential for the granted credential identifier.
/// </summary>
public sealed class AuthorizationCodeWalletTests(WalletIssuerFixture fixture) : IClassFixture<WalletIssuerFixture>, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly HttpClient _http = new();
    private IdentityServer Server => fixture.Server;

    public void Dispose()
    {
        _http.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task The_offer_s_authorization_code_grant_goes_through_the_browser_to_the_loopback_listener_and_yields_a_credential_bound_to_the_key()
    {
        var (person, kycToken) = await ApprovedPersonAsync("ALMA", "BROWSER");
        var qrText = await OfferAsync(kycToken);
        var key = await NewKeyAsync();
        var credential = _folder.File("credential.txt");

        var wallet = RunningWallet.Start(_http, "receive", "--offer", qrText, "--authorize", "--key", key, "--out", credential, "--timeout", "120");
        var url = await wallet.AuthorizationUrlAsync();
        var query = QueryHelpers.ParseQuery(url.Query);
        Assert.Equal("wallet", query["client_id"]);
        Assert.Equal("S256", query["code_challenge_method"]);
        Assert.False(string.IsNullOrEmpty(query["issuer_state"]), "the offer's issuer_state is sent on");
        var details = JsonDocument.Parse(query["authorization_details"].ToString()).RootElement[0];
        Assert.Equal("openid_credential", details.GetProperty("type").GetString());
        Assert.Equal("verified_identity_sd_jwt", details.GetProperty("credential_configuration_id").GetString());
        var redirectUri = new Uri(query["redirect_uri"].ToString());
        Assert.Equal("127.0.0.1", redirectUri.Host);
        Assert.Equal("/callback", redirectUri.AbsolutePath);
        Assert.NotEqual(80, redirectUri.Port); // a port the system gave the listener, accepted although the client registered none (RFC 8252 §7.3)

        var redirect = await BrowseAsync(url, person, allow: true);
        Assert.StartsWith(redirectUri.AbsoluteUri + "?", redirect, StringComparison.Ordinal);
        Assert.Equal(Server.BaseAddress.AbsoluteUri, CodeFlow.QueryOf(redirect)["iss"]);

        // Something else on the loopback port first (a favicon): 404, and the wallet keeps waiting.
        using (var favicon = await _http.GetAsync(new Uri(redirectUri, "/favicon.ico")))
        {
            Assert.Equal(HttpStatusCode.NotFound, favicon.StatusCode);
        }
        var page = await DeliverAsync(redirect);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("The wallet has the authorization", page.Html, StringComparison.Ordinal);

        var run = await wallet.Completion;
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"{VerifiedIdentityCredential.Vct} from {Server.BaseAddress.AbsoluteUri}", run.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("ALMA", run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(CodeFlow.QueryOf(redirect)["code"], run.Stdout + run.Stderr, StringComparison.Ordinal);
        using (var holder = HolderKeys.ImportPrivateJwk(await File.ReadAllTextAsync(key)))
        {
            var issued = SdJwtHolder.Accept((await File.ReadAllTextAsync(credential)).Trim());
            Assert.Equal(P256Jwk.FromECDsa(holder).X, SdJwtInspection.ReadHolderKey(SdJwtInspection.ReadUnverifiedPayload(issued))!.X);
        }
        using (var scope = Server.Service.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Platform.Identity.Data.IdentityServiceDbContext>();
            Assert.Contains(db.CredentialStatuses.Where(c => c.OwnerId == person.Id).ToList(), c => c.WalletEvent == "credential_accepted");
        }

        // The credential is a real one: presented and verified against the issuer.
        var presentation = _folder.File("presentation.txt");
        Assert.Equal(0, (await WalletRun.RunAsync(null, "present", "--credential", credential, "--key", key, "--disclose", "age_over_18",
            "--audience", "https://verifier.example", "--nonce", "n-ac", "--out", presentation)).ExitCode);
        var verified = await WalletRun.RunAsync(_http, "verify", "--issuer", Server.BaseAddress.AbsoluteUri, "--audience", "https://verifier.example",
            "--nonce", "n-ac", presentation);
        Assert.True(verified.ExitCode == 0, verified.ToString());
    }

    [Fact]
    public async Task A_declined_consent_comes_back_as_access_denied_and_nothing_is_requested_or_written()
    {
        var (person, _) = await ApprovedPersonAsync("DORA", "DECLINE");
        var key = await NewKeyAsync();
        var credential = _folder.File("credential.txt");

        var wallet = RunningWallet.Start(_http, "receive", "--issuer", Server.BaseAddress.AbsoluteUri, "--key", key, "--out", credential, "--timeout", "120");
        var redirect = await BrowseAsync(await wallet.AuthorizationUrlAsync(), person, allow: false);
        Assert.Equal("access_denied", CodeFlow.QueryOf(redirect)["error"]);
        var page = await DeliverAsync(redirect);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("declined", page.Html, StringComparison.Ordinal);

        var run = await wallet.Completion;
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("the authorization was declined at the issuer (access_denied", run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(credential));
    }

    [Fact]
    public async Task A_redirect_with_another_state_or_another_iss_is_refused_and_a_pasted_honest_one_then_works()
    {
        var (person, _) = await ApprovedPersonAsync("STEF", "STATE");
        var key = await NewKeyAsync();
        var credential = _folder.File("credential.txt");
        var issuer = Server.BaseAddress.AbsoluteUri;

        // Another state (a forged or stale redirect): refused before the code is redeemed.
        var forgedState = RunningWallet.Start(_http, "receive", "--issuer", issuer, "--key", key, "--out", credential, "--timeout", "120");
        var redirect = await BrowseAsync(await forgedState.AuthorizationUrlAsync(), person, allow: true);
        var page = await DeliverAsync(With(redirect, "state", "someone-elses-state"));
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        var run = await forgedState.Completion;
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("state does not match this request", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(credential));

        // Another iss (RFC 9207: an answer from another authorization server, the mix-up attack), pasted this time.
        var forgedIss = RunningWallet.Start(_http, "receive", "--issuer", issuer, "--paste", "--key", key, "--out", credential);
        var pasteUrl = await forgedIss.AuthorizationUrlAsync();
        Assert.Equal("http://127.0.0.1/callback", QueryHelpers.ParseQuery(pasteUrl.Query)["redirect_uri"]);
        redirect = await BrowseAsync(pasteUrl, person, allow: true); // consented above: no page this time
        forgedIss.Type(With(redirect, "iss", "https://attacker.example/"));
        run = await forgedIss.Completion;
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("comes from another issuer", run.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(credential));

        // A bare code is not enough (state and iss could not be checked).
        var bare = RunningWallet.Start(_http, "receive", "--issuer", issuer, "--paste", "--key", key, "--out", credential);
        await bare.AuthorizationUrlAsync();
        bare.Type("just-a-code");
        run = await bare.Completion;
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("a bare code is not enough", run.Stderr, StringComparison.Ordinal);

        // The honest redirect, pasted: the credential for the granted identifier.
        var honest = RunningWallet.Start(_http, "receive", "--issuer", issuer, "--paste", "--key", key, "--out", credential);
        honest.Type(await BrowseAsync(await honest.AuthorizationUrlAsync(), person, allow: true));
        run = await honest.Completion;
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(credential));
    }

    [Fact]
    public async Task Flags_of_the_two_flows_are_not_mixed()
    {
        var key = await NewKeyAsync();
        var both = await WalletRun.RunAsync(_http, "receive", "--issuer", Server.BaseAddress.AbsoluteUri, "--offer", "{}", "--key", key, "--out", "c.txt");
        Assert.Equal(2, both.ExitCode);
        var tx = await WalletRun.RunAsync(_http, "receive", "--issuer", Server.BaseAddress.AbsoluteUri, "--tx-code", "123456", "--key", key, "--out", "c.txt");
        Assert.Equal(2, tx.ExitCode);
        Assert.Contains("--tx-code goes with the pre-authorized code", tx.Stderr, StringComparison.Ordinal);
        var listenerFlag = await WalletRun.RunAsync(_http, "receive", "--offer", "{}", "--redirect-port", "8000", "--key", key, "--out", "c.txt");
        Assert.Equal(2, listenerFlag.ExitCode);
    }

    [Fact]
    public async Task Loopback_redirects_at_any_port_are_for_native_clients_only_and_the_path_must_match()
    {
        using var session = new FormSession(Server.BaseAddress);
        // The portal (a web client registered at 127.0.0.1:5173) at another port: OpenIddict's error page, no redirect.
        using (var web = await session.GetAsync(CodeFlow.AuthorizeUrl(IdentityServer.PortalClient, "http://127.0.0.1:5174/callback", "openid", Pkce.Create())))
        {
            Assert.Equal(HttpStatusCode.BadRequest, web.StatusCode);
        }
        // The wallet at another path, or on localhost (RFC 8252 §8.3: the IP literal only), likewise.
        foreach (var redirect in new[] { "http://127.0.0.1:5000/other", "http://localhost:5000/callback", "http://127.0.0.1:5000/callback/../x" })
        {
            using var refused = await session.GetAsync(CodeFlow.AuthorizeUrl(IdentityServer.WalletClient, redirect, "", Pkce.Create()).Replace("&scope=&", "&", StringComparison.Ordinal));
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, redirect);
        }
        Assert.True(LoopbackRedirectUris.MatchesAnyPort("http://[::1]:61000/callback", "http://[::1]/callback"));
        Assert.False(LoopbackRedirectUris.MatchesAnyPort("http://127.0.0.1:61000/callback", "http://[::1]/callback"));
        Assert.False(LoopbackRedirectUris.MatchesAnyPort("https://127.0.0.1:61000/callback", "https://127.0.0.1/callback"));
        Assert.False(LoopbackRedirectUris.MatchesAnyPort("http://user@127.0.0.1:61000/callback", "http://127.0.0.1/callback"));
    }

    /// <summary>
    /// Plays the person's browser: signs in, answers the consent page when there is one (it names the credential),
    /// and returns where the browser is sent next (the wallet's redirect URI).
    /// </summary>
    internal async Task<string> BrowseAsync(Uri url, TestAccount person, bool allow)
    {
        using var session = new FormSession(Server.BaseAddress);
        var location = await new CodeFlow(session).RunAsync(url.AbsoluteUri, person);
        if (location.StartsWith("/connect/consent?", StringComparison.Ordinal))
        {
            using var page = await session.GetAsync(location);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("Receive your verified-identity credential", html, StringComparison.Ordinal);
            using var answer = await session.SubmitHtmlFormAsync(location, html, new Dictionary<string, string>(),
                button: allow ? AuthorizationEndpoints.AcceptField : AuthorizationEndpoints.DenyField);
            location = FormSession.Location(answer);
        }
        return location;
    }

    /// <summary>The browser following the redirect to the wallet's listener: the page it shows.</summary>
    private async Task<(HttpStatusCode Status, string Html)> DeliverAsync(string redirect)
    {
        using var response = await _http.GetAsync(redirect);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string With(string redirect, string name, string value)
    {
        var query = CodeFlow.QueryOf(redirect);
        query[name] = value;
        return QueryHelpers.AddQueryString(new Uri(redirect).GetLeftPart(UriPartial.Path), query!);
    }

    private async Task<string> NewKeyAsync()
    {
        var key = _folder.File("holder.jwk");
        Assert.Equal(0, (await WalletRun.RunAsync(null, "key", "--out", key)).ExitCode);
        return key;
    }

    private async Task<(TestAccount Person, string KycToken)> ApprovedPersonAsync(string given, string family)
    {
        var person = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(Server.BaseAddress);
        var token = (await new CodeFlow(session).SignInThroughPortalAsync(person, "openid kyc")).GetProperty("access_token").GetString()!;
        await KycApplications.ApproveAsync(Server, token, given, family);
        return (person, token);
    }

    private async Task<string> OfferAsync(string kycToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/credentials/offers");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", kycToken);
        using var response = await Server.Service.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("offer_by_reference").GetString()!;
    }
}

/// <summary>An authorization code that expired before the wallet redeemed it: the token endpoint's refusal, said plainly.</summary>
public sealed class ExpiredAuthorizationCodeWalletTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private readonly HttpClient _http = new();
    private IdentityServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await IdentityServer.StartAsync(new Dictionary<string, string?> { ["Identity:AuthorizationCodeLifetime"] = "00:00:01" });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
        _folder.Dispose();
    }

    [Fact]
    public async Task An_expired_code_is_reported_as_such_and_nothing_is_written()
    {
        var person = await TestAccounts.CreateAsync(_server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var key = _folder.File("holder.jwk");
        Assert.Equal(0, (await WalletRun.RunAsync(null, "key", "--out", key)).ExitCode);
        var credential = _folder.File("credential.txt");

        var wallet = RunningWallet.Start(_http, "receive", "--issuer", _server.BaseAddress.AbsoluteUri, "--key", key, "--out", credential, "--timeout", "120");
        var url = await wallet.AuthorizationUrlAsync();
        using var session = new FormSession(_server.BaseAddress);
        var consent = await new CodeFlow(session).RunAsync(url.AbsoluteUri, person);
        using var page = await session.GetAsync(consent);
        using var answer = await session.SubmitHtmlFormAsync(consent, await page.Content.ReadAsStringAsync(), new Dictionary<string, string>(),
            button: AuthorizationEndpoints.AcceptField);
        var redirect = FormSession.Location(answer);
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // the code lives one second here
        using (await _http.GetAsync(redirect))
        {
        }

        var run = await wallet.Completion;
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("invalid_grant", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("expires within minutes: run receive again", run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(credential));
    }
}
