using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests;

/// <summary>
/// OpenID4VCI 1.0's authorization code flow (§5.1.1, §6.2) with RFC 9396 authorization_details: the signed-in person
/// authorizes a wallet for the credential by configuration id, the token response names the credential identifier
/// granted, and the credential endpoint issues for that identifier and no other.
/// </summary>
public sealed class OpenId4VciAuthorizationCodeTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private const string Configuration = "verified_identity_sd_jwt";
    private IdentityServer Server => fixture.Server;
    private HttpClient Client => Server.Service.Client;

    [Fact]
    public async Task A_wallet_authorized_with_authorization_details_gets_a_credential_identifier_and_the_credential_for_it()
    {
        var person = await ApprovedPersonAsync("AUTHA", "CODE");
        var (status, tokens) = await AuthorizeAndRedeemAsync(person, Details(Configuration));
        Assert.True(status == HttpStatusCode.OK, tokens.ToString());
        Assert.True(tokens.TryGetProperty("authorization_details", out var details),
            tokens.ToString() + " " + Jwt.Payload(tokens.GetProperty("access_token").GetString()!));

        var granted = Assert.Single(details.EnumerateArray());
        Assert.Equal("openid_credential", granted.GetProperty("type").GetString());
        Assert.Equal(Configuration, granted.GetProperty("credential_configuration_id").GetString());
        var identifier = Assert.Single(granted.GetProperty("credential_identifiers").EnumerateArray()).GetString()!;
        var accessToken = tokens.GetProperty("access_token").GetString()!;
        Assert.Contains("verified_identity_credential", Jwt.Payload(accessToken).GetProperty("scope").GetString()!.Split(' '));

        using var holder = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var issuer = Server.BaseAddress.AbsoluteUri;
        var (issued, body) = await RequestCredentialAsync(accessToken, new { credential_identifier = identifier, proofs = Proofs(holder, issuer, await NonceAsync()) });
        Assert.True(issued == HttpStatusCode.OK, body.ToString());
        var credential = body.GetProperty("credentials")[0].GetProperty("credential").GetString()!;
        Assert.Equal(issuer, Jwt.Payload(credential.Split('~')[0]).GetProperty("iss").GetString());

        // With credential identifiers granted, the configuration id is not the way to ask (§8.2).
        var (byConfiguration, refusal) = await RequestCredentialAsync(accessToken, new { credential_configuration_id = Configuration, proofs = Proofs(holder, issuer, await NonceAsync()) });
        Assert.Equal(HttpStatusCode.BadRequest, byConfiguration);
        Assert.Equal("invalid_credential_request", refusal.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_credential_identifier_the_token_was_not_granted_is_refused()
    {
        var person = await ApprovedPersonAsync("AUTHB", "CODE");
        var (status, tokens) = await AuthorizeAndRedeemAsync(person, Details(Configuration));
        Assert.True(status == HttpStatusCode.OK, tokens.ToString());
        var granted = tokens.GetProperty("authorization_details")[0].GetProperty("credential_identifiers")[0].GetString()!;

        using var holder = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (refused, body) = await RequestCredentialAsync(tokens.GetProperty("access_token").GetString()!,
            new { credential_identifier = granted + "x", proofs = Proofs(holder, Server.BaseAddress.AbsoluteUri, await NonceAsync()) });
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal("unknown_credential_identifier", body.GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("[{\"type\":\"openid_credential\",\"credential_configuration_id\":\"no_such_credential\"}]")]
    [InlineData("[{\"type\":\"payment_initiation\",\"credential_configuration_id\":\"verified_identity_sd_jwt\"}]")]
    [InlineData("{\"type\":\"openid_credential\"}")]
    [InlineData("not json")]
    public async Task Authorization_details_naming_no_known_credential_are_refused_with_invalid_authorization_details(string details)
    {
        var person = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(Server.BaseAddress);
        var redirect = await new CodeFlow(session).RunAsync(AuthorizeUrl(details, Pkce.Create()), person);

        Assert.StartsWith(IdentityServer.PortalRedirect, redirect, StringComparison.Ordinal);
        var query = CodeFlow.QueryOf(redirect);
        Assert.Equal("invalid_authorization_details", query["error"]);
        Assert.False(query.ContainsKey("code"));
    }

    [Fact]
    public async Task An_offer_s_issuer_state_is_taken_for_its_own_account_and_refused_for_another()
    {
        var (person, kycToken) = await ApprovedPersonWithTokenAsync("AUTHC", "STATE");
        using var offerRequest = new HttpRequestMessage(HttpMethod.Post, "/credentials/offers");
        offerRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", kycToken);
        using var offerResponse = await Client.SendAsync(offerRequest);
        var offer = JsonDocument.Parse(await offerResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("credential_offer");
        var issuerState = offer.GetProperty("grants").GetProperty("authorization_code").GetProperty("issuer_state").GetString()!;

        var (status, tokens) = await AuthorizeAndRedeemAsync(person, Details(Configuration), "&issuer_state=" + Uri.EscapeDataString(issuerState));
        Assert.True(status == HttpStatusCode.OK, tokens.ToString());
        Assert.Equal(Configuration, tokens.GetProperty("authorization_details")[0].GetProperty("credential_configuration_id").GetString());

        var stranger = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(Server.BaseAddress);
        var redirect = await new CodeFlow(session).RunAsync(AuthorizeUrl(Details(Configuration), Pkce.Create()) + "&issuer_state=" + Uri.EscapeDataString(issuerState), stranger);
        Assert.Equal("access_denied", CodeFlow.QueryOf(redirect)["error"]);
    }

    [Fact]
    public async Task Discovery_names_openid_credential_among_the_authorization_details_types()
    {
        var discovery = JsonDocument.Parse(await Client.GetStringAsync("/.well-known/openid-configuration")).RootElement;
        Assert.Equal(["openid_credential"], discovery.GetProperty("authorization_details_types_supported").EnumerateArray().Select(e => e.GetString()));
    }

    private static string Details(string configurationId) =>
        JsonSerializer.Serialize(new[] { new { type = "openid_credential", credential_configuration_id = configurationId } });

    private static string AuthorizeUrl(string details, Pkce pkce) =>
        CodeFlow.AuthorizeUrl(IdentityServer.PortalClient, IdentityServer.PortalRedirect, "openid", pkce,
            extra: "authorization_details=" + Uri.EscapeDataString(details));

    private async Task<(HttpStatusCode Status, JsonElement Body)> AuthorizeAndRedeemAsync(TestAccount person, string details, string extra = "")
    {
        using var session = new FormSession(Server.BaseAddress);
        var flow = new CodeFlow(session);
        var pkce = Pkce.Create();
        var redirect = await flow.RunAsync(AuthorizeUrl(details, pkce) + extra, person);
        var query = CodeFlow.QueryOf(redirect);
        Assert.True(query.ContainsKey("code"), redirect);
        return await flow.RedeemCodeAsync(query["code"], IdentityServer.PortalClient, IdentityServer.PortalRedirect, pkce.Verifier);
    }

    private async Task<TestAccount> ApprovedPersonAsync(string given, string family) => (await ApprovedPersonWithTokenAsync(given, family)).Person;

    private async Task<(TestAccount Person, string KycToken)> ApprovedPersonWithTokenAsync(string given, string family)
    {
        var person = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(Server.BaseAddress);
        var kycToken = (await new CodeFlow(session).SignInThroughPortalAsync(person, "openid kyc")).GetProperty("access_token").GetString()!;
        await KycApplications.ApproveAsync(Server, kycToken, given, family);
        return (person, kycToken);
    }

    private static object Proofs(ECDsa holder, string issuer, string nonce) => new { jwt = new[] { OpenId4VciIssuanceTests.Proof(holder, issuer, nonce) } };

    private async Task<string> NonceAsync()
    {
        using var response = await Client.PostAsync("/credentials/nonce", null);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("c_nonce").GetString()!;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> RequestCredentialAsync(string accessToken, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/credentials/issue") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await Client.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
