using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Crypto.Jose;
using Platform.Identity.Accounts;
using Platform.Identity.Credentials;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests;

/// <summary>
/// "Judged by the real thing": a credential the identity service issues through OpenID4VCI (pre-authorized code,
/// c_nonce-bound jwt proof), presented with key binding by our holder library, is checked by an independent SD-JWT VC
/// verifier (the OpenWallet Foundation's @sd-jwt/sd-jwt-vc under node): the issuer's key from
/// /.well-known/jwt-vc-issuer, its signature, each disclosure, the status list entry and the KB-JWT.
/// </summary>
public sealed class IndependentSdJwtVerifierTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private const string PreAuthorizedGrant = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
    private const string Verifier = "https://verifier.example";
    private IdentityServer Server => fixture.Server;
    private HttpClient Client => Server.Service.Client;

    [Fact]
    public async Task The_independent_verifier_accepts_a_presentation_of_an_openid4vci_credential_with_key_binding()
    {
        using var holder = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (credential, issuer) = await IssueAsync(holder, "INDIE", "VERIFIER");
        var nonce = "n-" + Guid.NewGuid().ToString("N");
        var presentation = await PresentAsync(credential, holder, ["given_name", "age_over_18"], nonce);

        var (valid, answer) = await IndependentSdJwtVerifier.VerifyAsync(issuer, presentation, nonce, Verifier);

        Assert.True(valid, answer.ToString());
        Assert.Equal(VerifiedIdentityCredential.Vct, answer.GetProperty("vct").GetString());
        var claims = answer.GetProperty("claims");
        Assert.Equal("INDIE", claims.GetProperty("given_name").GetString());
        Assert.True(claims.GetProperty("age_over_18").GetBoolean());
        // Selective disclosure: what was not presented is not there.
        Assert.False(claims.TryGetProperty("family_name", out _));
        Assert.False(claims.TryGetProperty("birthdate", out _));

        // A key-binding JWT for another nonce is not this verifier's.
        var (otherNonce, _) = await IndependentSdJwtVerifier.VerifyAsync(issuer, presentation, "n-another", Verifier);
        Assert.False(otherNonce);
    }

    [Fact]
    public async Task The_independent_verifier_refuses_a_presentation_with_a_tampered_disclosure()
    {
        using var holder = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (credential, issuer) = await IssueAsync(holder, "TAMPER", "PROOF");
        var nonce = "n-" + Guid.NewGuid().ToString("N");
        var presentation = await PresentAsync(credential, holder, ["given_name"], nonce);

        // The disclosure of given_name, its value changed: its digest is no longer in the signed payload.
        var parts = presentation.Split('~');
        var index = Array.FindIndex(parts, p => p.Length > 0 && !p.Contains('.', StringComparison.Ordinal) && Disclosed(p)[1]!.GetValue<string>() == "given_name");
        Assert.True(index > 0, "the presentation discloses given_name");
        var disclosure = Disclosed(parts[index]);
        disclosure[2] = "MALLORY";
        parts[index] = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(disclosure.ToJsonString()));

        var (valid, answer) = await IndependentSdJwtVerifier.VerifyAsync(issuer, string.Join('~', parts), nonce, Verifier);

        Assert.False(valid, answer.ToString());
        Assert.False(string.IsNullOrEmpty(answer.GetProperty("error").GetString()));
        Assert.DoesNotContain("MALLORY", answer.ToString(), StringComparison.Ordinal);
    }

    private static JsonArray Disclosed(string encoded) => (JsonArray)JsonNode.Parse(Base64Url.DecodeFromChars(encoded))!;

    private static async Task<string> PresentAsync(string credential, ECDsa holder, string[] claims, string nonce)
    {
        var held = SdJwtHolder.Accept(credential);
        var presentation = await SdJwtHolder.PresentWithKeyBindingAsync(held, SdJwtHolder.SelectByClaimName(held, claims),
            new KeyBindingChallenge(Verifier, nonce), Es256Signers.FromECDsa(holder), DateTimeOffset.UtcNow, CancellationToken.None);
        return presentation.Compact;
    }

    /// <summary>An approved applicant's credential, through OpenID4VCI: offer, pre-authorized code with tx_code, c_nonce, jwt proof.</summary>
    private async Task<(string Credential, string Issuer)> IssueAsync(ECDsa holder, string given, string family)
    {
        var person = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(Server.BaseAddress);
        var kycToken = (await new CodeFlow(session).SignInThroughPortalAsync(person, "openid kyc")).GetProperty("access_token").GetString()!;
        await KycApplications.ApproveAsync(Server, kycToken, given, family);

        using var offerRequest = new HttpRequestMessage(HttpMethod.Post, "/credentials/offers");
        offerRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", kycToken);
        using var offerResponse = await Client.SendAsync(offerRequest);
        var created = JsonDocument.Parse(await offerResponse.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.True(offerResponse.StatusCode == HttpStatusCode.Created, created.ToString());
        var offer = created.GetProperty("credential_offer");
        var issuer = offer.GetProperty("credential_issuer").GetString()!;

        using var redeemed = await Client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = PreAuthorizedGrant,
            ["pre-authorized_code"] = offer.GetProperty("grants").GetProperty(PreAuthorizedGrant).GetProperty("pre-authorized_code").GetString()!,
            ["tx_code"] = created.GetProperty("tx_code").GetString()!,
        }));
        var tokens = JsonDocument.Parse(await redeemed.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.True(redeemed.StatusCode == HttpStatusCode.OK, tokens.ToString());

        using var nonceResponse = await Client.PostAsync("/credentials/nonce", null);
        var nonce = JsonDocument.Parse(await nonceResponse.Content.ReadAsStringAsync()).RootElement.GetProperty("c_nonce").GetString()!;
        using var credentialRequest = new HttpRequestMessage(HttpMethod.Post, "/credentials/issue")
        {
            Content = JsonContent.Create(new
            {
                credential_configuration_id = "verified_identity_sd_jwt",
                proofs = new { jwt = new[] { OpenId4VciIssuanceTests.Proof(holder, issuer, nonce) } },
            }),
        };
        credentialRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("access_token").GetString());
        using var credentialResponse = await Client.SendAsync(credentialRequest);
        var body = JsonDocument.Parse(await credentialResponse.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.True(credentialResponse.StatusCode == HttpStatusCode.OK, body.ToString());
        return (body.GetProperty("credentials")[0].GetProperty("credential").GetString()!, issuer);
    }
}
