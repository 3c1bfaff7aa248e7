using System.Net.Http.Json;
using System.Text.Json;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests.Standards;

/// <summary>
/// The discovery document field by field against OpenID Connect Discovery 1.0 §3 (OpenID Provider Metadata) and
/// RFC 8414 §2 (Authorization Server Metadata): every REQUIRED field, every RECOMMENDED field this provider can offer,
/// the conditional MUSTs, and the value rules (absolute URLs without query or fragment, arrays of strings).
/// </summary>
public sealed class DiscoveryConformanceTests(StandardsServerFixture fixture) : IClassFixture<StandardsServerFixture>
{
    private IdentityServer Server => fixture.Server;

    private async Task<JsonElement> DiscoveryAsync()
    {
        using var session = new FormSession(Server.BaseAddress);
        using var response = await session.Http.GetAsync("/.well-known/openid-configuration");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static IReadOnlyList<string> Strings(JsonElement document, string name)
    {
        Assert.True(document.TryGetProperty(name, out var value), $"{name} is missing from {document}");
        Assert.Equal(JsonValueKind.Array, value.ValueKind);
        var values = value.EnumerateArray().Select(v =>
        {
            Assert.Equal(JsonValueKind.String, v.ValueKind);
            return v.GetString()!;
        }).ToList();
        Assert.NotEmpty(values);
        return values;
    }

    /// <summary>An endpoint URL: absolute, no fragment, on the issuer's host (https in deployments; the tests run on loopback http).</summary>
    private void AssertEndpoint(JsonElement document, string name)
    {
        Assert.True(document.TryGetProperty(name, out var value), $"{name} is missing");
        Assert.True(Uri.TryCreate(value.GetString(), UriKind.Absolute, out var uri), $"{name} is not an absolute URL");
        Assert.True(uri.Scheme == Uri.UriSchemeHttps || uri.IsLoopback, $"{name} must be https");
        Assert.Equal("", uri.Fragment);
        Assert.Equal(Server.BaseAddress.Authority, uri.Authority);
    }

    [Fact]
    public async Task Required_fields_of_openid_connect_discovery_section_3_are_present_and_well_formed()
    {
        var document = await DiscoveryAsync();

        // issuer: REQUIRED; https URL with no query or fragment, identical to the iss of the ID tokens (§3, §4.3).
        var issuer = new Uri(document.GetProperty("issuer").GetString()!);
        Assert.Equal(Server.BaseAddress, issuer);
        Assert.Equal(("", ""), (issuer.Query, issuer.Fragment));
        // authorization_endpoint, token_endpoint, jwks_uri: REQUIRED (token_endpoint unless only implicit is used).
        AssertEndpoint(document, "authorization_endpoint");
        AssertEndpoint(document, "token_endpoint");
        AssertEndpoint(document, "jwks_uri");
        // response_types_supported: REQUIRED; this provider offers the code flow only.
        Assert.Equal(["code"], Strings(document, "response_types_supported"));
        // subject_types_supported: REQUIRED; "pairwise" or "public".
        Assert.All(Strings(document, "subject_types_supported"), t => Assert.Contains(t, new[] { "public", "pairwise" }));
        // id_token_signing_alg_values_supported: REQUIRED, and "The algorithm RS256 MUST be included".
        var idTokenAlgorithms = Strings(document, "id_token_signing_alg_values_supported");
        Assert.Contains("RS256", idTokenAlgorithms);
        Assert.Contains("ES256", idTokenAlgorithms);
        Assert.DoesNotContain("none", idTokenAlgorithms);
    }

    [Fact]
    public async Task Recommended_fields_of_openid_connect_discovery_section_3_are_present()
    {
        var document = await DiscoveryAsync();

        // userinfo_endpoint: RECOMMENDED, https.
        AssertEndpoint(document, "userinfo_endpoint");
        // scopes_supported: RECOMMENDED; "The server MUST support the openid scope value."
        var scopes = Strings(document, "scopes_supported");
        Assert.Contains("openid", scopes);
        Assert.Contains("offline_access", scopes);
        // claims_supported: RECOMMENDED; the claims the tokens and userinfo carry.
        var claims = Strings(document, "claims_supported");
        foreach (var claim in new[] { "sub", "iss", "aud", "exp", "iat", "acr", "amr", "name", "email", "role" })
        {
            Assert.Contains(claim, claims);
        }
        // registration_endpoint: RECOMMENDED, deliberately absent — clients are registered by configuration and the
        // admin API, not by dynamic registration (docs/identity.md).
        Assert.False(document.TryGetProperty("registration_endpoint", out _));
    }

    [Fact]
    public async Task Optional_fields_offered_are_well_formed_and_acr_values_are_those_tokens_carry()
    {
        var document = await DiscoveryAsync();

        // acr_values_supported: OPTIONAL; the acr values this provider issues.
        Assert.Equal(["urn:platform:acr:password", "urn:platform:acr:mfa"], Strings(document, "acr_values_supported"));
        // grant_types_supported: OPTIONAL; when present, what clients may use.
        // The pre-authorized code grant is OpenID4VCI's (docs/kyc.md).
        Assert.Equal(
            ["authorization_code", "client_credentials", "refresh_token", "urn:ietf:params:oauth:grant-type:pre-authorized_code"],
            Strings(document, "grant_types_supported").Order(StringComparer.Ordinal));
        // response_modes_supported: OPTIONAL.
        Assert.Contains("query", Strings(document, "response_modes_supported"));
        // claims_parameter_supported, request_parameter_supported: OPTIONAL booleans when present.
        foreach (var flag in new[] { "claims_parameter_supported", "request_parameter_supported", "request_uri_parameter_supported" })
        {
            if (document.TryGetProperty(flag, out var value))
            {
                Assert.True(value.ValueKind is JsonValueKind.True or JsonValueKind.False, flag);
            }
        }
        AssertEndpoint(document, "end_session_endpoint");
        AssertEndpoint(document, "pushed_authorization_request_endpoint");
    }

    [Fact]
    public async Task Rfc_8414_signing_algorithms_are_present_wherever_private_key_jwt_is_offered_and_never_none()
    {
        var document = await DiscoveryAsync();

        // RFC 8414 §2: *_auth_signing_alg_values_supported "MUST be present if either of these authentication methods
        // [private_key_jwt, client_secret_jwt] are specified" in the matching *_auth_methods_supported; "none" MUST NOT be used.
        foreach (var prefix in new[] { "token_endpoint", "introspection_endpoint", "revocation_endpoint" })
        {
            var methods = Strings(document, prefix + "_auth_methods_supported");
            if (methods.Contains("private_key_jwt") || methods.Contains("client_secret_jwt"))
            {
                var algorithms = Strings(document, prefix + "_auth_signing_alg_values_supported");
                Assert.DoesNotContain("none", algorithms);
                Assert.Equal(["ES256", "RS256"], algorithms);
            }
        }
        Assert.Contains("private_key_jwt", Strings(document, "token_endpoint_auth_methods_supported"));
        // introspection_endpoint and revocation_endpoint (RFC 8414 §2).
        AssertEndpoint(document, "introspection_endpoint");
        AssertEndpoint(document, "revocation_endpoint");
        // code_challenge_methods_supported (RFC 8414 §2): S256 only.
        Assert.Equal(["S256"], Strings(document, "code_challenge_methods_supported"));
        // authorization_response_iss_parameter_supported (RFC 9207 §3): the provider sends iss in authorization responses.
        Assert.True(document.GetProperty("authorization_response_iss_parameter_supported").GetBoolean());
    }
}
