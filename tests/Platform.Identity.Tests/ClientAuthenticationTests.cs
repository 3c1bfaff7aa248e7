using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests;

/// <summary>client_credentials with a secret (basic and post) and with private_key_jwt, and the ways they fail.</summary>
public sealed class ClientAuthenticationTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task Service_client_gets_a_token_for_the_services_its_scopes_name()
    {
        using var session = new FormSession(Server.BaseAddress);
        var (status, body) = await new CodeFlow(session).TokenAsync(
            new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "consent.decide ledger.submit" },
            IdentityServer.ServiceClient, IdentityServer.ServiceSecret);

        Assert.Equal(HttpStatusCode.OK, status);
        var claims = Jwt.Payload(body.GetProperty("access_token").GetString()!);
        Assert.Equal(IdentityServer.ServiceClient, claims.GetProperty("sub").GetString());
        Assert.Equal(IdentityServer.ServiceClient, claims.GetProperty("client_id").GetString());
        Assert.Equal(["consent", "ledger"], Jwt.Strings(claims, "aud").Order());
        Assert.False(claims.TryGetProperty("role", out _));
    }

    [Fact]
    public async Task Client_secret_post_works_too()
    {
        using var session = new FormSession(Server.BaseAddress);
        var (status, _) = await new CodeFlow(session).TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "ledger.submit",
            ["client_id"] = IdentityServer.ServiceClient,
            ["client_secret"] = IdentityServer.ServiceSecret,
        });
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Theory]
    [InlineData("platform-services", "wrong-secret-wrong-secret-wrong-secret", "invalid_client")]
    [InlineData("no-such-client", "whatever-whatever-whatever-whatever", "invalid_client")]
    public async Task Wrong_secret_or_unknown_client_is_refused(string clientId, string secret, string error)
    {
        using var session = new FormSession(Server.BaseAddress);
        var (status, body) = await new CodeFlow(session).TokenAsync(
            new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "ledger.submit" }, clientId, secret);
        Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, status.ToString());
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task A_scope_the_client_is_not_allowed_is_refused()
    {
        using var session = new FormSession(Server.BaseAddress);
        var (status, body) = await new CodeFlow(session).TokenAsync(
            new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "identity.admin" },
            IdentityServer.ServiceClient, IdentityServer.ServiceSecret);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        // OpenIddict answers invalid_request ("not allowed to use the specified scope") for a scope outside the client's permissions.
        Assert.Contains(body.GetProperty("error").GetString(), new[] { "invalid_scope", "invalid_request" });
        Assert.Contains("scope", body.GetProperty("error_description").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    [Fact]
    public async Task Private_key_jwt_authenticates_with_the_registered_key_and_not_with_another()
    {
        using var session = new FormSession(Server.BaseAddress);
        var flow = new CodeFlow(session);
        // RFC 7523bis: the assertion's audience is the issuer itself (not the token endpoint URL).
        var tokenEndpoint = Server.BaseAddress.AbsoluteUri;

        var (status, body) = await flow.TokenAsync(AssertionForm(ClientAssertion(Server.JwtClientKey, tokenEndpoint)));
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(["ledger"], Jwt.Strings(Jwt.Payload(body.GetProperty("access_token").GetString()!), "aud"));

        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (refused, error) = await flow.TokenAsync(AssertionForm(ClientAssertion(stranger, tokenEndpoint)));
        Assert.True(refused is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, refused.ToString());
        Assert.Equal("invalid_client", error.GetProperty("error").GetString());
    }

    private static Dictionary<string, string> AssertionForm(string assertion) => new()
    {
        ["grant_type"] = "client_credentials",
        ["scope"] = "ledger.submit",
        ["client_id"] = IdentityServer.JwtClient,
        ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ["client_assertion"] = assertion,
    };

    /// <summary>An RFC 7523 client assertion: iss = sub = client id, aud = the token endpoint, short-lived, unique jti.</summary>
    private static string ClientAssertion(ECDsa key, string audience)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = JsonSerializer.SerializeToUtf8Bytes(new { alg = "ES256", typ = "client-authentication+jwt", kid = "jwt-client-1" });
        var payload = JsonSerializer.SerializeToUtf8Bytes(new
        {
            iss = IdentityServer.JwtClient,
            sub = IdentityServer.JwtClient,
            aud = audience,
            jti = Guid.NewGuid().ToString("N"),
            iat = now,
            exp = now + 60,
        });
        var input = Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(payload);
        var signature = key.SignData(Encoding.ASCII.GetBytes(input), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return input + "." + Base64Url.EncodeToString(signature);
    }
}
