using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Crypto.Jose;
using Platform.Identity.Accounts;
using Platform.Identity.Credentials;
using Platform.Identity.Testing;

namespace Platform.Wallet.Tests;

/// <summary>The wallet against the real identity service (KYC on), in process: request, present, verify, revoke.</summary>
public sealed class IdentityServiceWalletTests : IAsyncLifetime
{
    private readonly TempFolder _folder = new();
    private IdentityServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await IdentityServer.StartAsync();
        _http = new HttpClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _folder.Dispose();
    }

    [Fact]
    public async Task A_verified_person_requests_presents_and_a_verifier_accepts_until_an_admin_revokes()
    {
        var issuer = _server.BaseAddress.AbsoluteUri;
        var person = await TestAccounts.CreateAsync(_server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        string token;
        using (var session = new FormSession(_server.BaseAddress))
        {
            token = (await new CodeFlow(session).SignInThroughPortalAsync(person, "openid kyc")).GetProperty("access_token").GetString()!;
        }
        var key = _folder.File("holder.jwk");
        var credential = _folder.File("credential.txt");
        Assert.Equal(0, (await WalletRun.RunAsync(null, "key", "--out", key)).ExitCode);

        // Before KYC approval the issuer says why (OpenID4VCI's credential_request_denied), as one line, and nothing is written.
        var early = await WalletRun.RunAsync(_http, "request", "--issuer", issuer, "--token", token, "--key", key, "--out", credential);
        Assert.Equal(1, early.ExitCode);
        Assert.Contains("HTTP 400 credential_request_denied", early.Stderr, StringComparison.Ordinal);
        Assert.Contains("no approved KYC case", early.Stderr, StringComparison.Ordinal);
        Assert.Single(early.Stderr.Trim().Split('\n'));
        Assert.DoesNotContain(token, early.Stdout + early.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(credential));

        await KycApplications.ApproveAsync(_server, token, "LENA", "WALLET");

        var request = await WalletRun.RunAsync(_http, "request", "--issuer", issuer.TrimEnd('/'), "--token", token, "--key", key, "--out", credential);
        Assert.True(request.ExitCode == 0, request.ToString());
        Assert.DoesNotContain(token, request.Stdout + request.Stderr, StringComparison.Ordinal);
        Assert.Contains("given_name, family_name, birthdate, nationality, age_over_18, assurance_level", request.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("LENA", request.Stdout, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credential));
        }
        using (var holder = HolderKeys.ImportPrivateJwk(await File.ReadAllTextAsync(key)))
        {
            var issued = SdJwtHolder.Accept((await File.ReadAllTextAsync(credential)).Trim());
            Assert.Equal(P256Jwk.FromECDsa(holder).X, SdJwtInspection.ReadHolderKey(SdJwtInspection.ReadUnverifiedPayload(issued))!.X);
        }

        var presentation = _folder.File("presentation.txt");
        var present = await WalletRun.RunAsync(null, "present", "--credential", credential, "--key", key, "--disclose", "given_name,age_over_18",
            "--audience", "https://verifier.example", "--nonce", "n-123", "--out", presentation);
        Assert.True(present.ExitCode == 0, present.ToString());

        string[] verify = ["verify", "--issuer", issuer, "--audience", "https://verifier.example", "--nonce", "n-123", presentation];
        var accepted = await WalletRun.RunAsync(_http, verify);
        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        var answer = JsonDocument.Parse(accepted.Stdout).RootElement;
        Assert.True(answer.GetProperty("valid").GetBoolean());
        Assert.Equal(issuer, answer.GetProperty("issuer").GetString());
        Assert.Equal("valid", answer.GetProperty("status").GetString());
        Assert.Equal("LENA", answer.GetProperty("claims").GetProperty("given_name").GetString());
        Assert.True(answer.GetProperty("claims").GetProperty("age_over_18").GetBoolean());
        Assert.Equal(2, answer.GetProperty("claims").EnumerateObject().Count());

        // An admin revokes the person's credentials; the same presentation is refused from then on.
        var admin = await TestAccounts.CreateAsync(_server.Service.Services, PlatformRoles.Admin);
        string adminToken;
        using (var adminSession = new FormSession(_server.BaseAddress))
        {
            adminToken = (await new CodeFlow(adminSession).SignInThroughPortalAsync(admin, "openid identity.admin")).GetProperty("access_token").GetString()!;
        }
        using (var revoke = new HttpRequestMessage(HttpMethod.Post, "/credentials/revoke") { Content = JsonContent.Create(new { userId = person.Id, reason = "document_stolen" }) })
        {
            revoke.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
            using var revoked = await _server.Service.Client.SendAsync(revoke);
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }
        var refused = await WalletRun.RunAsync(_http, verify);
        Assert.True(refused.ExitCode == 1, refused.ToString());
        var refusal = JsonDocument.Parse(refused.Stdout).RootElement;
        Assert.False(refusal.GetProperty("valid").GetBoolean());
        Assert.Equal("revoked", refusal.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Receive_takes_the_offer_QR_text_redeems_it_with_the_tx_code_and_keeps_a_credential_the_verifier_accepts()
    {
        var issuer = _server.BaseAddress.AbsoluteUri;
        var person = await TestAccounts.CreateAsync(_server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        string token;
        using (var session = new FormSession(_server.BaseAddress))
        {
            token = (await new CodeFlow(session).SignInThroughPortalAsync(person, "openid kyc")).GetProperty("access_token").GetString()!;
        }
        await KycApplications.ApproveAsync(_server, token, "OTTO", "OFFER");
        var key = _folder.File("holder.jwk");
        var credential = _folder.File("credential.txt");
        Assert.Equal(0, (await WalletRun.RunAsync(null, "key", "--out", key)).ExitCode);

        // A wrong transaction code: the issuer's OAuth error in one line, the code never echoed, nothing written.
        var (qrText, txCode) = await OfferAsync(token);
        var wrong = txCode == "000000" ? "000001" : "000000";
        var refused = await WalletRun.RunAsync(_http, "receive", "--offer", qrText, "--tx-code", wrong, "--key", key, "--out", credential);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("invalid_grant", refused.Stderr, StringComparison.Ordinal);
        Assert.Single(refused.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(credential));
        var missing = await WalletRun.RunAsync(_http, "receive", "--offer", qrText, "--key", key, "--out", credential);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--tx-code", missing.Stderr, StringComparison.Ordinal);

        var received = await WalletRun.RunAsync(_http, "receive", "--offer", qrText, "--tx-code", txCode, "--key", key, "--out", credential);
        Assert.True(received.ExitCode == 0, received.ToString());
        Assert.Contains($"{VerifiedIdentityCredential.Vct} from {issuer}", received.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(txCode, received.Stdout + received.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("OTTO", received.Stdout, StringComparison.Ordinal);
        using (var holder = HolderKeys.ImportPrivateJwk(await File.ReadAllTextAsync(key)))
        {
            var issued = SdJwtHolder.Accept((await File.ReadAllTextAsync(credential)).Trim());
            Assert.Equal(P256Jwk.FromECDsa(holder).X, SdJwtInspection.ReadHolderKey(SdJwtInspection.ReadUnverifiedPayload(issued))!.X);
        }
        // The wallet told the issuer it kept the credential.
        using (var scope = _server.Service.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Platform.Identity.Data.IdentityServiceDbContext>();
            Assert.Contains(db.CredentialStatuses.Where(c => c.OwnerId == person.Id).ToList(), c => c.WalletEvent == "credential_accepted");
        }

        var presentation = _folder.File("presentation.txt");
        Assert.Equal(0, (await WalletRun.RunAsync(null, "present", "--credential", credential, "--key", key, "--disclose", "age_over_18",
            "--audience", "https://verifier.example", "--nonce", "n-9", "--out", presentation)).ExitCode);
        var verified = await WalletRun.RunAsync(_http, "verify", "--issuer", issuer, "--audience", "https://verifier.example", "--nonce", "n-9", presentation);
        Assert.True(verified.ExitCode == 0, verified.ToString());
        Assert.True(JsonDocument.Parse(verified.Stdout).RootElement.GetProperty("claims").GetProperty("age_over_18").GetBoolean());

        // The offer was single use.
        var again = await WalletRun.RunAsync(_http, "receive", "--offer", qrText, "--tx-code", txCode, "--key", key, "--out", _folder.File("again.txt"));
        Assert.Equal(1, again.ExitCode);
    }

    private async Task<(string QrText, string TxCode)> OfferAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/credentials/offers");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _server.Service.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (body.GetProperty("offer_by_reference").GetString()!, body.GetProperty("tx_code").GetString()!);
    }

    [Fact]
    public async Task A_refused_access_token_is_reported_without_echoing_it()
    {
        var issuer = _server.BaseAddress.AbsoluteUri;
        var key = _folder.File("holder.jwk");
        Assert.Equal(0, (await WalletRun.RunAsync(null, "key", "--out", key)).ExitCode);
        const string bogus = "not-a-real-access-token-0123456789";
        var run = await WalletRun.RunAsync(_http, "request", "--issuer", issuer, "--token", bogus, "--key", key, "--out", _folder.File("c.txt"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("401", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(bogus, run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.Trim().Split('\n'));
    }
}
