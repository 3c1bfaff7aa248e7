using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Platform.Crypto.Jose;
using Platform.Identity.Accounts;
using Platform.Identity.Credentials;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests;

/// <summary>The verified-identity SD-JWT VC: issued only after KYC approval, bound to a proven holder key, verifiable by anyone.</summary>
public sealed class CredentialIssuanceTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task An_approved_person_gets_a_holder_bound_credential_and_presents_only_what_they_choose()
    {
        var person = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var token = await TokenAsync(person);
        using var holder = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var issuer = Server.BaseAddress.AbsoluteUri; // the one issuer identifier, with the bare origin's "/" path

        var (early, earlyProblem) = await RequestCredentialAsync(token, await ProofAsync(holder, issuer));
        Assert.Equal(HttpStatusCode.Conflict, early);
        Assert.Equal("not_verified", earlyProblem.GetProperty("code").GetString());

        await KycApplications.ApproveAsync(Server, token, "LENA", "HOLDER");
        Assert.Equal(HttpStatusCode.BadRequest, (await RequestCredentialAsync(token, await ProofAsync(holder, "https://another-issuer.example"))).Status);
        using (var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await RequestCredentialAsync(token, await ProofAsync(holder, issuer, signWith: stranger))).Status);
        }
        var (status, issued) = await RequestCredentialAsync(token, await ProofAsync(holder, issuer));
        Assert.True(status == HttpStatusCode.OK, issued.ToString());
        var credential = SdJwtHolder.Accept(issued.GetProperty("credential").GetString()!);

        // Present only age_over_18 and the assurance level, with key binding to a verifier's nonce.
        var chosen = SdJwtHolder.SelectByClaimName(credential, ["age_over_18", "assurance_level"]);
        var challenge = new KeyBindingChallenge("https://verifier.example", "nonce-" + Guid.NewGuid().ToString("N"));
        var presentation = await SdJwtHolder.PresentWithKeyBindingAsync(credential, chosen, challenge, Es256Signers.FromECDsa(holder), DateTimeOffset.UtcNow, CancellationToken.None);

        var metadataJson = await Server.Service.Client.GetStringAsync("/.well-known/jwt-vc-issuer");
        var metadata = JwtVcIssuerMetadata.Parse(metadataJson, issuer);
        var verifier = new SdJwtVerifier(new SdJwtVerifierOptions { ResolveIssuerKey = metadata.ToKeyResolver() });
        var result = await verifier.VerifyAsync(presentation.Compact, challenge, CancellationToken.None);
        Assert.True(result.IsValid, result.Error?.ToString());
        Assert.True(result.Claims!["age_over_18"]!.GetValue<bool>());
        Assert.Equal("substantial", result.Claims["assurance_level"]!.GetValue<string>());
        Assert.False(result.Claims.ContainsKey("family_name"));
        Assert.False(result.Claims.ContainsKey("birthdate"));

        // Another verifier's nonce does not verify: the presentation cannot be replayed elsewhere.
        var replay = await verifier.VerifyAsync(presentation.Compact, new KeyBindingChallenge("https://verifier.example", "other-nonce"), CancellationToken.None);
        Assert.False(replay.IsValid);

        // A verifier that checks the issuer's status list accepts it now, and refuses it once an admin revokes it.
        var checking = new SdJwtVerifier(new SdJwtVerifierOptions { ResolveIssuerKey = metadata.ToKeyResolver(), IsRevoked = IsRevokedAsync });
        Assert.True((await checking.VerifyAsync(presentation.Compact, challenge, CancellationToken.None)).IsValid);
        var admin = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Admin);
        using var adminSession = new FormSession(Server.BaseAddress);
        var adminToken = (await new CodeFlow(adminSession).SignInThroughPortalAsync(admin, "openid identity.admin")).GetProperty("access_token").GetString()!;
        using var revoke = new HttpRequestMessage(HttpMethod.Post, "/credentials/revoke") { Content = JsonContent.Create(new { userId = person.Id, reason = "document_stolen" }) };
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var revoked = await Server.Service.Client.SendAsync(revoke);
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var refused = await checking.VerifyAsync(presentation.Compact, challenge, CancellationToken.None);
        Assert.False(refused.IsValid);
        Assert.Equal("revoked", refused.ErrorCode);

        async Task<bool> IsRevokedAsync(System.Text.Json.Nodes.JsonObject status, CancellationToken ct)
        {
            var entry = status["status_list"]!;
            var uri = new Uri(entry["uri"]!.GetValue<string>());
            var list = await Server.Service.Client.GetStringAsync(uri.PathAndQuery, ct);
            return StatusListToken.IsRevoked(list, uri, entry["idx"]!.GetValue<long>(), kid => metadata.Keys.FirstOrDefault(k => k.Kid == kid));
        }
    }

    [Fact]
    public async Task Verified_claims_reach_the_identity_token_and_userinfo_only_after_approval_and_never_the_access_token()
    {
        var person = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using (var before = new FormSession(Server.BaseAddress))
        {
            var unverified = await new CodeFlow(before).SignInThroughPortalAsync(person, "openid verified_claims");
            Assert.False(Jwt.Payload(unverified.GetProperty("id_token").GetString()!).TryGetProperty("verified_claims", out _));
        }
        await KycApplications.ApproveAsync(Server, await TokenAsync(person), "VERA", "GEPRUEFT");

        using var session = new FormSession(Server.BaseAddress);
        var tokens = await new CodeFlow(session).SignInThroughPortalAsync(person, "openid verified_claims");
        var verified = Jwt.Payload(tokens.GetProperty("id_token").GetString()!).GetProperty("verified_claims");
        Assert.Equal("VERA", verified.GetProperty("claims").GetProperty("given_name").GetString());
        Assert.Equal("GEPRUEFT", verified.GetProperty("claims").GetProperty("family_name").GetString());
        Assert.Equal("substantial", verified.GetProperty("verification").GetProperty("assurance_level").GetString());
        var access = tokens.GetProperty("access_token").GetString()!;
        Assert.False(Jwt.Payload(access).TryGetProperty("verified_claims", out _));

        using var request = new HttpRequestMessage(HttpMethod.Get, "/connect/userinfo");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access);
        using var userinfo = await Server.Service.Client.SendAsync(request);
        var body = await userinfo.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("VERA", body.GetProperty("verified_claims").GetProperty("claims").GetProperty("given_name").GetString());
    }

    [Theory]
    [InlineData(null, "document_stolen")]
    [InlineData("some-user", null)]
    [InlineData("some-user", "Document Stolen!")]
    [InlineData("some-user", "a_reason_code_that_is_far_longer_than_the_sixty_four_characters_allowed")]
    public async Task A_revocation_without_a_person_or_a_reason_code_is_refused_and_revokes_nothing(string? userId, string? reason)
    {
        var admin = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Admin);
        using var adminSession = new FormSession(Server.BaseAddress);
        var adminToken = (await new CodeFlow(adminSession).SignInThroughPortalAsync(admin, "openid identity.admin")).GetProperty("access_token").GetString()!;
        var listBefore = await Server.Service.Client.GetStringAsync("/credentials/status-list");

        using var revoke = new HttpRequestMessage(HttpMethod.Post, "/credentials/revoke") { Content = JsonContent.Create(new { userId, reason }) };
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var response = await Server.Service.Client.SendAsync(revoke);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("invalid_revocation", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        // The status list's revocation bits are unchanged (the token itself is re-signed with a new iat, so compare its payload's list).
        Assert.Equal(StatusBits(listBefore), StatusBits(await Server.Service.Client.GetStringAsync("/credentials/status-list")));
    }

    // Issue 17, finding 15: an unknown person is a 404, not "revoked 0", and announces nothing.
    [Fact]
    public async Task Revoking_for_an_unknown_person_is_404_and_revokes_nothing()
    {
        var admin = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Admin);
        using var adminSession = new FormSession(Server.BaseAddress);
        var adminToken = (await new CodeFlow(adminSession).SignInThroughPortalAsync(admin, "openid identity.admin")).GetProperty("access_token").GetString()!;

        using var revoke = new HttpRequestMessage(HttpMethod.Post, "/credentials/revoke") { Content = JsonContent.Create(new { userId = "no-such-person-" + Guid.NewGuid(), reason = "document_stolen" }) };
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var response = await Server.Service.Client.SendAsync(revoke);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("unknown_user", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Only_an_admin_may_revoke_credentials()
    {
        var person = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var token = await TokenAsync(person);

        using var revoke = new HttpRequestMessage(HttpMethod.Post, "/credentials/revoke") { Content = JsonContent.Create(new { userId = person.Id, reason = "document_stolen" }) };
        revoke.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Server.Service.Client.SendAsync(revoke);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    private static string StatusBits(string statusListToken) =>
        Jwt.Payload(statusListToken).GetProperty("status_list").GetProperty("lst").GetString()!;

    /// <summary>A proof with a fresh c_nonce from the nonce endpoint (the legacy endpoint requires one too).</summary>
    private async Task<string> ProofAsync(ECDsa holder, string audience, ECDsa? signWith = null)
    {
        using var response = await Server.Service.Client.PostAsync("/credentials/nonce", null);
        var nonce = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("c_nonce").GetString();
        return OpenId4VciIssuanceTests.Proof(holder, audience, nonce, signWith);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> RequestCredentialAsync(string token, string proof)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/credentials/verified-identity") { Content = JsonContent.Create(new { proof }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Server.Service.Client.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private async Task<string> TokenAsync(TestAccount account)
    {
        using var session = new FormSession(Server.BaseAddress);
        return (await new CodeFlow(session).SignInThroughPortalAsync(account, "openid kyc")).GetProperty("access_token").GetString()!;
    }
}
