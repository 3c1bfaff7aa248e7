using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests.Standards;

/// <summary>
/// RS256 beside ES256: a relying party that validates ID tokens with RS256 only (Microsoft.IdentityModel, restricted
/// to RS256, keys from the published JWKS, the issuer from discovery) completes sign-in; others keep ES256.
/// </summary>
public sealed class Rs256IdentityTokenTests(StandardsServerFixture fixture) : IClassFixture<StandardsServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task Rs256_only_relying_party_completes_sign_in_and_validates_the_id_token()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(Server.BaseAddress);
        var flow = new CodeFlow(session);
        var pkce = Pkce.Create();

        var redirect = await flow.RunAsync(CodeFlow.AuthorizeUrl(StandardsServerFixture.Rs256Client, StandardsServerFixture.Rs256Redirect,
            "openid profile email offline_access records", pkce, state: "rs"), patient);
        Assert.StartsWith(StandardsServerFixture.Rs256Redirect, redirect, StringComparison.Ordinal);
        var (status, tokens) = await flow.RedeemCodeAsync(CodeFlow.QueryOf(redirect)["code"], StandardsServerFixture.Rs256Client,
            StandardsServerFixture.Rs256Redirect, pkce.Verifier);
        Assert.True(status == System.Net.HttpStatusCode.OK, tokens.ToString());

        var discovery = await session.Http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        var jwks = new JsonWebKeySet(await session.Http.GetStringAsync(discovery.GetProperty("jwks_uri").GetString()));
        var idToken = tokens.GetProperty("id_token").GetString()!;
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidAlgorithms = ["RS256"],
            ValidIssuer = discovery.GetProperty("issuer").GetString(),
            ValidAudience = StandardsServerFixture.Rs256Client,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            RequireSignedTokens = true,
        });
        Assert.True(result.IsValid, result.Exception?.ToString());
        Assert.Equal(patient.Id, result.Claims["sub"]);
        Assert.Equal("nonce-rs", result.Claims["nonce"]);
        var header = Jwt.Header(idToken);
        Assert.Equal("RS256", header.GetProperty("alg").GetString());
        var signingKey = jwks.Keys.Single(k => k.Kid == header.GetProperty("kid").GetString());
        Assert.Equal(("RSA", "RS256", 2048), (signingKey.Kty, signingKey.Alg, signingKey.KeySize));

        // The access token is still ES256: the resource services accept nothing else.
        Assert.Equal("ES256", Jwt.Header(tokens.GetProperty("access_token").GetString()!).GetProperty("alg").GetString());

        // A refreshed ID token is RS256 too.
        var (refreshStatus, refreshed) = await flow.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!,
            ["client_id"] = StandardsServerFixture.Rs256Client,
        });
        Assert.True(refreshStatus == System.Net.HttpStatusCode.OK, refreshed.ToString());
        Assert.Equal("RS256", Jwt.Header(refreshed.GetProperty("id_token").GetString()!).GetProperty("alg").GetString());
    }

    [Fact]
    public async Task Clients_that_do_not_ask_keep_es256_id_tokens_and_an_rs256_only_validator_refuses_them()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(Server.BaseAddress);
        var tokens = await new CodeFlow(session).SignInThroughPortalAsync(patient, "openid profile");
        var idToken = tokens.GetProperty("id_token").GetString()!;
        Assert.Equal("ES256", Jwt.Header(idToken).GetProperty("alg").GetString());

        var jwks = new JsonWebKeySet(await session.Http.GetStringAsync("/.well-known/jwks"));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(idToken, new TokenValidationParameters
        {
            ValidAlgorithms = ["RS256"],
            ValidateIssuer = false,
            ValidAudience = IdentityServer.PortalClient,
            IssuerSigningKeys = jwks.GetSigningKeys(),
        });
        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task Discovery_and_jwks_offer_both_algorithms_with_the_es256_key_first()
    {
        using var session = new FormSession(Server.BaseAddress);
        var discovery = await session.Http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        var algorithms = discovery.GetProperty("id_token_signing_alg_values_supported").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("RS256", algorithms);
        Assert.Contains("ES256", algorithms);

        var keys = (await session.Http.GetFromJsonAsync<JsonElement>("/.well-known/jwks")).GetProperty("keys").EnumerateArray().ToList();
        Assert.Equal("ES256", keys[0].GetProperty("alg").GetString());
        var rsa = Assert.Single(keys, k => k.GetProperty("alg").GetString() == "RS256");
        Assert.Equal("RSA", rsa.GetProperty("kty").GetString());
        Assert.Equal("AQAB", rsa.GetProperty("e").GetString());
        foreach (var privateMember in new[] { "d", "p", "q", "dp", "dq", "qi" })
        {
            Assert.False(rsa.TryGetProperty(privateMember, out _), privateMember);
        }
    }
}
