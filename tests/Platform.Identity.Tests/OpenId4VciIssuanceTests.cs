using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Crypto.Jose;
using Platform.Identity.Accounts;
using Platform.Identity.Credentials;
using Platform.Identity.Data;
using Platform.Identity.Testing;
using Platform.Identity.Vci;

namespace Platform.Identity.Tests;

/// <summary>
/// OpenID for Verifiable Credential Issuance 1.0 against the real identity service: one issuer identifier everywhere,
/// the metadata, an offer taken from its QR text, the pre-authorized code with its transaction code, c_nonce-bound
/// jwt proofs, the credential verified by the credential library's verifier, and every refusal in the spec's format.
/// </summary>
public sealed class OpenId4VciIssuanceTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private const string PreAuthorizedGrant = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
    private IdentityServer Server => fixture.Server;
    private HttpClient Client => Server.Service.Client;

    [Fact]
    public async Task One_issuer_identifier_in_discovery_tokens_credential_metadata_and_sd_jwt_vc_metadata()
    {
        var discovery = await GetJsonAsync("/.well-known/openid-configuration");
        var oauth = await GetJsonAsync("/.well-known/oauth-authorization-server");
        var vci = await GetJsonAsync("/.well-known/openid-credential-issuer");
        var vc = await GetJsonAsync("/.well-known/jwt-vc-issuer");
        var issuer = discovery.GetProperty("issuer").GetString()!;

        // The string OpenIddict writes for a bare origin: the URL with its "/" path.
        Assert.Equal(Server.BaseAddress.AbsoluteUri, issuer);
        Assert.Equal(issuer, oauth.GetProperty("issuer").GetString());
        Assert.Equal(issuer, vci.GetProperty("credential_issuer").GetString());
        Assert.Equal(issuer, vc.GetProperty("issuer").GetString());
        Assert.False(vci.TryGetProperty("authorization_servers", out _)); // the issuer is its own authorization server

        var (credential, _) = await ReceiveAsync(await ApprovedPersonTokenAsync("ISSY", "ONE"));
        var payload = SdJwtInspection.ReadUnverifiedPayload(SdJwt.Parse(credential));
        Assert.Equal(issuer, payload["iss"]!.GetValue<string>());
        Assert.StartsWith(issuer.TrimEnd('/') + "/credentials/status-list", payload["status"]!["status_list"]!["uri"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_metadata_describes_the_dc_sd_jwt_credential_its_binding_proofs_and_endpoints()
    {
        var vci = await GetJsonAsync("/.well-known/openid-credential-issuer");
        var origin = Server.BaseAddress.AbsoluteUri.TrimEnd('/');
        Assert.Equal(origin + "/credentials/issue", vci.GetProperty("credential_endpoint").GetString());
        Assert.Equal(origin + "/credentials/nonce", vci.GetProperty("nonce_endpoint").GetString());
        Assert.Equal(origin + "/credentials/notification", vci.GetProperty("notification_endpoint").GetString());
        Assert.Equal("en", vci.GetProperty("display")[0].GetProperty("locale").GetString());
        var configuration = vci.GetProperty("credential_configurations_supported").GetProperty("verified_identity_sd_jwt");
        Assert.Equal("dc+sd-jwt", configuration.GetProperty("format").GetString());
        Assert.Equal(VerifiedIdentityCredential.Vct, configuration.GetProperty("vct").GetString());
        Assert.Equal(["jwk"], configuration.GetProperty("cryptographic_binding_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["ES256"], configuration.GetProperty("proof_types_supported").GetProperty("jwt").GetProperty("proof_signing_alg_values_supported")
            .EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["ES256"], configuration.GetProperty("credential_signing_alg_values_supported").EnumerateArray().Select(e => e.GetString()));
        var claims = configuration.GetProperty("credential_metadata").GetProperty("claims").EnumerateArray()
            .Select(c => c.GetProperty("path")[0].GetString()!).ToList();
        Assert.Equal(VerifiedIdentityCredential.DisclosableClaims, claims);

        var discovery = await GetJsonAsync("/.well-known/openid-configuration");
        Assert.Contains(PreAuthorizedGrant, discovery.GetProperty("grant_types_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.True(discovery.GetProperty("pre-authorized_grant_anonymous_access_supported").GetBoolean());
    }

    [Fact]
    public async Task A_wallet_takes_the_offer_redeems_it_with_the_tx_code_and_gets_a_credential_bound_to_its_key()
    {
        var token = await ApprovedPersonTokenAsync("WALLY", "OFFER");
        var created = await CreateOfferAsync(token);
        var qrText = created.GetProperty("offer_by_reference").GetString()!;
        Assert.StartsWith("openid-credential-offer://?credential_offer_uri=", qrText, StringComparison.Ordinal);

        // What a wallet does with the QR code's text: fetch the offer, then the metadata of the issuer it names.
        var offer = await FetchOfferAsync(qrText);
        var issuer = offer.GetProperty("credential_issuer").GetString()!;
        Assert.Equal(["verified_identity_sd_jwt"], offer.GetProperty("credential_configuration_ids").EnumerateArray().Select(e => e.GetString()));
        var grant = offer.GetProperty("grants").GetProperty(PreAuthorizedGrant);
        Assert.Equal("numeric", grant.GetProperty("tx_code").GetProperty("input_mode").GetString());
        Assert.Equal(6, grant.GetProperty("tx_code").GetProperty("length").GetInt32());
        var txCode = created.GetProperty("tx_code").GetString()!;
        Assert.Matches("^[0-9]{6}$", txCode);
        // The offer by value carries the same grant.
        var byValue = Uri.UnescapeDataString(created.GetProperty("offer_by_value").GetString()!.Split("credential_offer=")[1]);
        Assert.Equal(grant.GetProperty("pre-authorized_code").GetString(),
            JsonDocument.Parse(byValue).RootElement.GetProperty("grants").GetProperty(PreAuthorizedGrant).GetProperty("pre-authorized_code").GetString());

        var (status, tokenResponse) = await RedeemAsync(grant.GetProperty("pre-authorized_code").GetString()!, txCode);
        Assert.True(status == HttpStatusCode.OK, tokenResponse.ToString());
        Assert.Equal("Bearer", tokenResponse.GetProperty("token_type").GetString());
        var accessToken = tokenResponse.GetProperty("access_token").GetString()!;
        Assert.Contains("verified_identity_credential", Jwt.Payload(accessToken).GetProperty("scope").GetString()!.Split(' '));
        Assert.False(tokenResponse.TryGetProperty("refresh_token", out _));

        using var holder = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var nonce = await NonceAsync();
        var (issued, body, _) = await RequestCredentialAsync(accessToken, Proof(holder, issuer, nonce));
        Assert.True(issued == HttpStatusCode.OK, body.ToString());
        var credential = body.GetProperty("credentials")[0].GetProperty("credential").GetString()!;

        // The credential library's verifier, with the issuer's published keys, accepts a presentation of it.
        var held = SdJwtHolder.Accept(credential);
        Assert.Equal(P256Jwk.FromECDsa(holder).X, SdJwtInspection.ReadHolderKey(SdJwtInspection.ReadUnverifiedPayload(held))!.X);
        var metadata = JwtVcIssuerMetadata.Parse(await Client.GetStringAsync("/.well-known/jwt-vc-issuer"), issuer);
        var challenge = new KeyBindingChallenge("https://verifier.example", "n-" + Guid.NewGuid().ToString("N"));
        var presentation = await SdJwtHolder.PresentWithKeyBindingAsync(held, SdJwtHolder.SelectByClaimName(held, ["age_over_18"]), challenge,
            Es256Signers.FromECDsa(holder), DateTimeOffset.UtcNow, CancellationToken.None);
        var verified = await new SdJwtVerifier(new SdJwtVerifierOptions { ResolveIssuerKey = metadata.ToKeyResolver() })
            .VerifyAsync(presentation.Compact, challenge, CancellationToken.None);
        Assert.True(verified.IsValid, verified.Error?.ToString());
        Assert.True(verified.Claims!["age_over_18"]!.GetValue<bool>());

        // The wallet says it kept it; the issuer records that against the credential's status slot.
        var notificationId = body.GetProperty("notification_id").GetString()!;
        Assert.Equal(HttpStatusCode.NoContent, (await NotifyAsync(accessToken, new { notification_id = notificationId, @event = "credential_accepted" })).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await NotifyAsync(accessToken, new { notification_id = notificationId, @event = "credential_accepted" })).Status);
        using (var scope = Server.Service.Services.CreateScope())
        {
            var slot = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>().CredentialStatuses.Single(c => c.NotificationId == notificationId);
            Assert.Equal("credential_accepted", slot.WalletEvent);
        }
        var unknown = await NotifyAsync(accessToken, new { notification_id = "not-a-notification", @event = "credential_accepted" });
        Assert.Equal("invalid_notification_id", unknown.Body.GetProperty("error").GetString());
        var badEvent = await NotifyAsync(accessToken, new { notification_id = notificationId, @event = "credential_lost" });
        Assert.Equal("invalid_notification_request", badEvent.Body.GetProperty("error").GetString());

        // The code was single use, and the offer by reference is gone with it.
        Assert.Equal("invalid_grant", (await RedeemAsync(grant.GetProperty("pre-authorized_code").GetString()!, txCode)).Body.GetProperty("error").GetString());
        using var gone = await Client.GetAsync(new Uri(Uri.UnescapeDataString(qrText.Split("credential_offer_uri=")[1])).PathAndQuery);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_replayed_proof_a_stale_nonce_a_proof_without_nonce_and_a_proof_for_another_audience_are_refused()
    {
        var (accessToken, issuer) = await PreAuthorizedTokenAsync("REPLAY", "PROOF");
        using var holder = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var proof = Proof(holder, issuer, await NonceAsync());
        Assert.Equal(HttpStatusCode.OK, (await RequestCredentialAsync(accessToken, proof)).Status);
        var replayed = await RequestCredentialAsync(accessToken, proof);
        Assert.Equal(HttpStatusCode.BadRequest, replayed.Status);
        Assert.Equal("invalid_nonce", replayed.Body.GetProperty("error").GetString());

        // A nonce this service issued six minutes ago (its lifetime is five).
        string stale;
        using (var scope = Server.Service.Services.CreateScope())
        {
            var past = new ShiftedTime(TimeSpan.FromMinutes(-6));
            stale = await new CredentialNonces(scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>(), past).IssueAsync(CancellationToken.None);
        }
        var staleAnswer = await RequestCredentialAsync(accessToken, Proof(holder, issuer, stale));
        Assert.Equal("invalid_nonce", staleAnswer.Body.GetProperty("error").GetString());
        Assert.Equal("invalid_nonce", (await RequestCredentialAsync(accessToken, Proof(holder, issuer, "made-up-nonce"))).Body.GetProperty("error").GetString());

        var noNonce = await RequestCredentialAsync(accessToken, Proof(holder, issuer, nonce: null));
        Assert.Equal("invalid_proof", noNonce.Body.GetProperty("error").GetString());
        // The issuer without its "/" path is another string: the one identifier is the only audience.
        var otherAudience = await RequestCredentialAsync(accessToken, Proof(holder, issuer.TrimEnd('/'), await NonceAsync()));
        Assert.Equal("invalid_proof", otherAudience.Body.GetProperty("error").GetString());
        using (var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            var forged = await RequestCredentialAsync(accessToken, Proof(holder, issuer, await NonceAsync(), signWith: stranger));
            Assert.Equal("invalid_proof", forged.Body.GetProperty("error").GetString());
        }
        var claimedClient = await RequestCredentialAsync(accessToken, Proof(holder, issuer, await NonceAsync(), iss: "some-other-client"));
        Assert.Equal("invalid_proof", claimedClient.Body.GetProperty("error").GetString());
        Assert.Equal("application/json", claimedClient.ContentType);
    }

    [Fact]
    public async Task Malformed_credential_requests_get_the_spec_error_codes()
    {
        var (accessToken, issuer) = await PreAuthorizedTokenAsync("MAL", "FORMED");
        using var holder = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var proof = Proof(holder, issuer, await NonceAsync());
        (object Body, string Error)[] cases =
        [
            (new { proofs = new { jwt = new[] { proof } } }, "invalid_credential_request"),
            (new { credential_configuration_id = "driving_licence", proofs = new { jwt = new[] { proof } } }, "unknown_credential_configuration"),
            (new { credential_identifier = "abc", proofs = new { jwt = new[] { proof } } }, "unknown_credential_identifier"),
            (new { credential_configuration_id = "verified_identity_sd_jwt" }, "invalid_proof"),
            (new { credential_configuration_id = "verified_identity_sd_jwt", proofs = new { jwt = Array.Empty<string>() } }, "invalid_proof"),
            (new { credential_configuration_id = "verified_identity_sd_jwt", proofs = new { jwt = new[] { proof, proof } } }, "invalid_proof"),
            (new { credential_configuration_id = "verified_identity_sd_jwt", proofs = new { jwt = new[] { "not.a.jws" } } }, "invalid_proof"),
        ];
        foreach (var (body, error) in cases)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/credentials/issue") { Content = JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            using var response = await Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
            Assert.Equal(error, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());
        }
        // None of them used the nonce: the proof still works.
        Assert.Equal(HttpStatusCode.OK, (await RequestCredentialAsync(accessToken, proof)).Status);
    }

    [Fact]
    public async Task Wrong_tx_codes_are_refused_and_the_third_kills_the_code()
    {
        var token = await ApprovedPersonTokenAsync("GUESS", "WORK");
        var created = await CreateOfferAsync(token);
        var code = created.GetProperty("credential_offer").GetProperty("grants").GetProperty(PreAuthorizedGrant).GetProperty("pre-authorized_code").GetString()!;
        var txCode = created.GetProperty("tx_code").GetString()!;
        var wrong = ((int.Parse(txCode, System.Globalization.CultureInfo.InvariantCulture) + 1) % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);

        var missing = await RedeemAsync(code, txCode: null);
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal("invalid_request", missing.Body.GetProperty("error").GetString());
        for (var attempt = 1; attempt <= CredentialOffers.MaxTxCodeFailures; attempt++)
        {
            var refused = await RedeemAsync(code, wrong);
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Equal("invalid_grant", refused.Body.GetProperty("error").GetString());
        }
        // Three guesses out of a million, then nothing: even the right code is refused now.
        Assert.Equal("invalid_grant", (await RedeemAsync(code, txCode)).Body.GetProperty("error").GetString());
        Assert.Equal("invalid_grant", (await RedeemAsync("no-such-code", txCode)).Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Offers_need_an_approved_case_and_the_pre_authorized_token_opens_nothing_else()
    {
        var person = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var token = await KycTokenAsync(person);
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/credentials/offers"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        using (var anonymous = await Client.PostAsync("/credentials/offers", null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        var (accessToken, _) = await PreAuthorizedTokenAsync("ONLY", "CREDENTIAL");
        using var kyc = new HttpRequestMessage(HttpMethod.Post, "/kyc/cases");
        kyc.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var refused = await Client.SendAsync(kyc);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        // The anonymous wallet client may use the pre-authorized code grant and no other.
        using var other = await Client.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = PreAuthorizedCodeGrant.AnonymousWalletClientId,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
    }

    [Fact]
    public async Task The_nonce_endpoint_answers_fresh_uncacheable_nonces()
    {
        using var first = await Client.PostAsync("/credentials/nonce", null);
        using var second = await Client.PostAsync("/credentials/nonce", null);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("no-store", first.Headers.CacheControl?.ToString());
        Assert.Equal("application/json", first.Content.Headers.ContentType?.MediaType);
        var a = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement.GetProperty("c_nonce").GetString()!;
        var b = JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement.GetProperty("c_nonce").GetString()!;
        Assert.NotEqual(a, b);
        Assert.True(Base64Url.DecodeFromChars(a).Length >= 32);
    }

    private async Task<(string AccessToken, string Issuer)> PreAuthorizedTokenAsync(string given, string family)
    {
        var created = await CreateOfferAsync(await ApprovedPersonTokenAsync(given, family));
        var offer = created.GetProperty("credential_offer");
        var code = offer.GetProperty("grants").GetProperty(PreAuthorizedGrant).GetProperty("pre-authorized_code").GetString()!;
        var (status, body) = await RedeemAsync(code, created.GetProperty("tx_code").GetString());
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return (body.GetProperty("access_token").GetString()!, offer.GetProperty("credential_issuer").GetString()!);
    }

    private async Task<(string Credential, string Issuer)> ReceiveAsync(string kycToken)
    {
        var created = await CreateOfferAsync(kycToken);
        var offer = await FetchOfferAsync(created.GetProperty("offer_by_reference").GetString()!);
        var code = offer.GetProperty("grants").GetProperty(PreAuthorizedGrant).GetProperty("pre-authorized_code").GetString()!;
        var (_, tokens) = await RedeemAsync(code, created.GetProperty("tx_code").GetString());
        var issuer = offer.GetProperty("credential_issuer").GetString()!;
        using var holder = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (status, body, _) = await RequestCredentialAsync(tokens.GetProperty("access_token").GetString()!, Proof(holder, issuer, await NonceAsync()));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return (body.GetProperty("credentials")[0].GetProperty("credential").GetString()!, issuer);
    }

    private async Task<JsonElement> FetchOfferAsync(string qrText)
    {
        var reference = new Uri(Uri.UnescapeDataString(qrText.Split("credential_offer_uri=")[1]));
        Assert.Equal(Server.BaseAddress.Authority, reference.Authority);
        using var response = await Client.GetAsync(reference.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<JsonElement> CreateOfferAsync(string kycToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/credentials/offers");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", kycToken);
        using var response = await Client.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        return body;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> RedeemAsync(string code, string? txCode)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = PreAuthorizedGrant, ["pre-authorized_code"] = code };
        if (txCode is not null)
        {
            form["tx_code"] = txCode;
        }
        // No client_id: wallets are anonymous for this grant.
        using var response = await Client.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private async Task<string> NonceAsync()
    {
        using var response = await Client.PostAsync("/credentials/nonce", null);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("c_nonce").GetString()!;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, string? ContentType)> RequestCredentialAsync(string accessToken, string proof)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/credentials/issue")
        {
            Content = JsonContent.Create(new { credential_configuration_id = "verified_identity_sd_jwt", proofs = new { jwt = new[] { proof } } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await Client.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone(), response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> NotifyAsync(string accessToken, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/credentials/notification") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<JsonElement> GetJsonAsync(string path) => JsonDocument.Parse(await Client.GetStringAsync(path)).RootElement.Clone();

    private async Task<string> ApprovedPersonTokenAsync(string given, string family)
    {
        var person = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var token = await KycTokenAsync(person);
        await KycApplications.ApproveAsync(Server, token, given, family);
        return token;
    }

    private async Task<string> KycTokenAsync(TestAccount account)
    {
        using var session = new FormSession(Server.BaseAddress);
        return (await new CodeFlow(session).SignInThroughPortalAsync(account, "openid kyc")).GetProperty("access_token").GetString()!;
    }

    /// <summary>A jwt proof (OpenID4VCI App. F.1) for the holder key, to <paramref name="audience"/>, with the c_nonce.</summary>
    internal static string Proof(ECDsa holder, string audience, string? nonce, ECDsa? signWith = null, string? iss = null)
    {
        var parameters = holder.ExportParameters(false);
        var header = JsonSerializer.SerializeToUtf8Bytes(new
        {
            alg = "ES256",
            typ = "openid4vci-proof+jwt",
            jwk = new { kty = "EC", crv = "P-256", x = Base64Url.EncodeToString(parameters.Q.X), y = Base64Url.EncodeToString(parameters.Q.Y) },
        });
        var claims = new Dictionary<string, object> { ["aud"] = audience, ["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds() };
        if (nonce is not null)
        {
            claims["nonce"] = nonce;
        }
        if (iss is not null)
        {
            claims["iss"] = iss;
        }
        var input = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims));
        var signature = (signWith ?? holder).SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return input + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>The system clock moved by a fixed amount: nonces "issued" in the past.</summary>
    private sealed class ShiftedTime(TimeSpan shift) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + shift;
    }
}
