using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.ServiceDefaults;

namespace Platform.Identity.Tests;

/// <summary>Discovery, PAR, the consent screen, the admin API with key rotation, and token validation by a resource service.</summary>
public sealed class ProviderFeatureTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task Discovery_advertises_the_endpoints_s256_only_and_es256_keys()
    {
        using var session = new FormSession(Server.BaseAddress);
        var discovery = await session.Http.GetFromJsonAsync<JsonElement>("/.well-known/openid-configuration");
        Assert.Equal(Server.BaseAddress.AbsoluteUri, discovery.GetProperty("issuer").GetString());
        foreach (var endpoint in new[] { "authorization_endpoint", "token_endpoint", "userinfo_endpoint", "introspection_endpoint",
                     "revocation_endpoint", "end_session_endpoint", "pushed_authorization_request_endpoint", "jwks_uri" })
        {
            Assert.True(discovery.TryGetProperty(endpoint, out _), endpoint);
        }
        Assert.Equal(["S256"], discovery.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("private_key_jwt", discovery.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(e => e.GetString()));

        var jwks = await session.Http.GetFromJsonAsync<JsonElement>(discovery.GetProperty("jwks_uri").GetString()!);
        var key = jwks.GetProperty("keys").EnumerateArray().First();
        Assert.Equal(("EC", "P-256", "ES256"), (key.GetProperty("kty").GetString(), key.GetProperty("crv").GetString(), key.GetProperty("alg").GetString()));
        Assert.False(key.TryGetProperty("d", out _));
    }

    [Fact]
    public async Task Pushed_authorization_request_is_referenced_by_request_uri()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(Server.BaseAddress);
        var pkce = Pkce.Create();
        using var pushed = await session.Http.PostAsync("/connect/par", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = IdentityServer.PortalClient,
            ["redirect_uri"] = IdentityServer.PortalRedirect,
            ["response_type"] = "code",
            ["scope"] = "openid profile",
            ["state"] = "par-state",
            ["code_challenge"] = pkce.Challenge,
            ["code_challenge_method"] = "S256",
        }));
        var par = await pushed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(pushed.StatusCode == HttpStatusCode.Created, par.ToString());
        var requestUri = par.GetProperty("request_uri").GetString()!;
        Assert.StartsWith("urn:ietf:params:oauth:request_uri:", requestUri, StringComparison.Ordinal);

        var flow = new CodeFlow(session);
        var redirect = await flow.RunAsync($"/connect/authorize?client_id={IdentityServer.PortalClient}&request_uri={Uri.EscapeDataString(requestUri)}", patient);
        var query = CodeFlow.QueryOf(redirect);
        Assert.Equal("par-state", query["state"]);
        var (status, _) = await flow.RedeemCodeAsync(query["code"], IdentityServer.PortalClient, IdentityServer.PortalRedirect, pkce.Verifier);
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Third_party_client_shows_the_consent_screen_and_a_refusal_reaches_the_client()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(Server.BaseAddress);
        var flow = new CodeFlow(session);
        var consent = await flow.RunAsync(CodeFlow.AuthorizeUrl(IdentityServer.ThirdPartyClient, IdentityServer.ThirdPartyRedirect, "openid profile", Pkce.Create()), patient);
        Assert.StartsWith("/connect/consent?returnUrl=", consent, StringComparison.Ordinal);
        using var page = await session.GetAsync(consent);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("See your name", html, StringComparison.Ordinal);

        using var denied = await session.SubmitHtmlFormAsync(consent, html, new Dictionary<string, string>(), button: "submit.deny");
        Assert.Equal("access_denied", CodeFlow.QueryOf(FormSession.Location(denied))["error"]);

        using var allowed = await session.SubmitHtmlFormAsync(consent, html, new Dictionary<string, string>(), button: "submit.accept");
        Assert.True(CodeFlow.QueryOf(FormSession.Location(allowed)).ContainsKey("code"));
        // Remembered: the next request goes straight through.
        var again = await flow.RunAsync(CodeFlow.AuthorizeUrl(IdentityServer.ThirdPartyClient, IdentityServer.ThirdPartyRedirect, "openid profile", Pkce.Create()), patient);
        Assert.StartsWith(IdentityServer.ThirdPartyRedirect, again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Consent_form_without_the_antiforgery_token_is_refused()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(Server.BaseAddress);
        var consent = await new CodeFlow(session).RunAsync(
            CodeFlow.AuthorizeUrl(IdentityServer.ThirdPartyClient, IdentityServer.ThirdPartyRedirect, "openid", Pkce.Create(), state: "csrf"), patient);
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(new Uri("http://x"), Uri.UnescapeDataString(consent["/connect/consent?returnUrl=".Length..])).Query);
        var forged = query.ToDictionary(p => p.Key, p => p.Value.ToString());
        forged["submit.accept"] = "1";
        using var response = await session.Http.PostAsync("/connect/authorize", new FormUrlEncodedContent(forged));
        var result = CodeFlow.QueryOf(FormSession.Location(response));
        Assert.Equal("access_denied", result["error"]);
        Assert.False(result.ContainsKey("code"));
    }

    [Fact]
    public async Task Admin_api_registers_a_client_rejects_bad_definitions_and_rotates_the_signing_key()
    {
        var admin = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Admin);
        using var session = new FormSession(Server.BaseAddress);
        var tokens = await new CodeFlow(session).SignInThroughPortalAsync(admin, "openid identity.admin");
        var adminToken = tokens.GetProperty("access_token").GetString()!;
        var oldKid = Jwt.Header(adminToken).GetProperty("kid").GetString();

        using var anonymous = await session.Http.GetAsync("/admin/clients");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var created = await SendAsync(session, HttpMethod.Put, "/admin/clients/reporting-job", adminToken,
            new { type = "confidential", grantTypes = new[] { "client_credentials" }, scopes = new[] { "ledger.submit" } });
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var secret = created.Body.GetProperty("clientSecret").GetString()!;
        var (tokenStatus, _) = await new CodeFlow(session).TokenAsync(
            new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "ledger.submit" }, "reporting-job", secret);
        Assert.Equal(HttpStatusCode.OK, tokenStatus);
        var listed = await SendAsync(session, HttpMethod.Get, "/admin/clients/reporting-job", adminToken, null);
        Assert.False(listed.Body.TryGetProperty("clientSecret", out var hidden) && hidden.ValueKind == JsonValueKind.String);

        foreach (var (body, code) in new (object Body, string Code)[]
                 {
                     (new { type = "public", grantTypes = new[] { "client_credentials" } }, "public_client_credentials_grant"),
                     (new { type = "public", grantTypes = new[] { "authorization_code" }, redirectUris = new[] { "http://evil.example/cb" } }, "invalid_redirect_uri"),
                     (new { type = "confidential", grantTypes = new[] { "password" } }, "invalid_grant_types"),
                     (new { type = "confidential", grantTypes = new[] { "client_credentials" }, scopes = new[] { "everything" } }, "unknown_scope"),
                     (new { type = "confidential", clientSecret = "short", grantTypes = new[] { "client_credentials" } }, "weak_client_secret"),
                 })
        {
            var bad = await SendAsync(session, HttpMethod.Put, "/admin/clients/bad-client", adminToken, body);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.Status);
            Assert.Equal(code, bad.Body.GetProperty("code").GetString());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(session, HttpMethod.Get, "/admin/clients/bad-client", adminToken, null)).Status);

        // A rotation stages the next key: published in the JWKS at once, signing only after the publish-ahead period.
        var rotated = await SendAsync(session, HttpMethod.Post, "/admin/signing-keys/rotate", adminToken, null);
        Assert.Equal(HttpStatusCode.OK, rotated.Status);
        Assert.True(rotated.Body.GetProperty("staged").GetBoolean());
        Assert.True(rotated.Body.GetProperty("activatesAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(9));
        var staged = rotated.Body.GetProperty("generation").GetInt32();
        var jwks = await session.Http.GetFromJsonAsync<JsonElement>("/.well-known/jwks");
        // Each generation publishes an ES256 key and its RS256 twin (for clients asking for RS256 ID tokens).
        var kids = jwks.GetProperty("keys").EnumerateArray().Where(k => k.GetProperty("alg").GetString() == "ES256")
            .Select(k => k.GetProperty("kid").GetString()).ToList();
        Assert.Contains(oldKid, kids);
        Assert.Equal(2, kids.Distinct().Count());
        Assert.Equal(2, jwks.GetProperty("keys").EnumerateArray().Count(k => k.GetProperty("alg").GetString() == "RS256"));
        var stagedKid = kids.Single(k => k != oldKid);
        Assert.Equal(oldKid, await ServiceTokenKidAsync(session, secret));
        // Asking again while one is staged returns that one (two replicas' schedules, or a double click).
        var again = await SendAsync(session, HttpMethod.Post, "/admin/signing-keys/rotate", adminToken, null);
        Assert.Equal(staged, again.Body.GetProperty("generation").GetInt32());

        // An emergency rotation signs with a new key at once; the staged key never signs.
        var immediate = await SendAsync(session, HttpMethod.Post, "/admin/signing-keys/rotate?immediate=true", adminToken, null);
        Assert.Equal(HttpStatusCode.OK, immediate.Status);
        Assert.False(immediate.Body.GetProperty("staged").GetBoolean());
        Assert.Equal(staged + 1, immediate.Body.GetProperty("generation").GetInt32());
        var newKid = await ServiceTokenKidAsync(session, secret);
        Assert.NotEqual(oldKid, newKid);
        Assert.NotEqual(stagedKid, newKid);
        kids = (await session.Http.GetFromJsonAsync<JsonElement>("/.well-known/jwks")).GetProperty("keys").EnumerateArray()
            .Where(k => k.GetProperty("alg").GetString() == "ES256").Select(k => k.GetProperty("kid").GetString()).ToList();
        Assert.Contains(newKid, kids);
        Assert.Contains(oldKid, kids); // tokens it signed still verify until they expire
        Assert.DoesNotContain(stagedKid, kids);
        var notBool = await SendAsync(session, HttpMethod.Post, "/admin/signing-keys/rotate?immediate=maybe", adminToken, null);
        Assert.Equal(HttpStatusCode.BadRequest, notBool.Status);
    }

    private static async Task<string?> ServiceTokenKidAsync(FormSession session, string secret)
    {
        var (_, fresh) = await new CodeFlow(session).TokenAsync(
            new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "ledger.submit" }, "reporting-job", secret);
        return Jwt.Header(fresh.GetProperty("access_token").GetString()!).GetProperty("kid").GetString();
    }

    [Fact]
    public async Task Patient_token_cannot_use_the_admin_api()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(Server.BaseAddress);
        var tokens = await new CodeFlow(session).SignInThroughPortalAsync(patient, "openid identity.admin");
        var response = await SendAsync(session, HttpMethod.Get, "/admin/clients", tokens.GetProperty("access_token").GetString()!, null);
        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
    }

    [Fact]
    public async Task A_resource_service_accepts_its_own_audience_and_rejects_other_audiences_tampering_and_alg_none()
    {
        await using var resource = await StartResourceServiceAsync("ledger");
        using var session = new FormSession(Server.BaseAddress);
        var flow = new CodeFlow(session);
        var (_, ledgerBody) = await flow.TokenAsync(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "ledger.submit" },
            IdentityServer.ServiceClient, IdentityServer.ServiceSecret);
        var ledgerToken = ledgerBody.GetProperty("access_token").GetString()!;
        var (_, consentBody) = await flow.TokenAsync(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "consent.decide" },
            IdentityServer.ServiceClient, IdentityServer.ServiceSecret);
        var consentToken = consentBody.GetProperty("access_token").GetString()!;

        Assert.Equal(HttpStatusCode.OK, await CallAsync(resource, ledgerToken));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(resource, consentToken));

        var parts = ledgerToken.Split('.');
        var payload = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]))!;
        payload["sub"] = JsonSerializer.SerializeToElement("someone-else");
        var tamperedPayload = System.Buffers.Text.Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(payload));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(resource, $"{parts[0]}.{tamperedPayload}.{parts[2]}"));

        var noneHeader = System.Buffers.Text.Base64Url.EncodeToString("{\"alg\":\"none\",\"typ\":\"at+jwt\"}"u8.ToArray());
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(resource, $"{noneHeader}.{parts[1]}."));
        Assert.Equal(HttpStatusCode.Unauthorized, await CallAsync(resource, null));
    }

    private async Task<WebApplication> StartResourceServiceAsync(string name)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Service:Name"] = name,
            ["Urls"] = "http://127.0.0.1:0",
            ["Authentication:Authority"] = Server.BaseAddress.AbsoluteUri,
            ["Authentication:RequireHttpsMetadata"] = "false",
        });
        builder.AddTokenValidation();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/protected", () => Results.Ok()).RequireAuthorization(PlatformPolicies.Service);
        await app.StartAsync();
        return app;
    }

    private static async Task<HttpStatusCode> CallAsync(WebApplication resource, string? token)
    {
        using var client = new HttpClient { BaseAddress = resource.GetListeningAddress() };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/protected");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(FormSession session, HttpMethod method, string path, string token, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        using var response = await session.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
