using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Platform.Identity.Oidc;
using Platform.Identity.Testing;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Tests;

/// <summary>
/// Issue 18: a plain client_credentials request (HTTP Basic, grant_type and scope, no DPoP) from a client already in the
/// snapshots is answered before OpenIddict's pipeline (<see cref="ServiceTokenFromSnapshot"/>). Judged against OpenIddict
/// itself: the same server issues the reference token through its pipeline, and a second server with the shortcut off
/// answers every request it declines; the token must be the one OpenIddict issues, verify against the published JWKS,
/// introspect and revoke as one, and every refusal must be OpenIddict's.
/// </summary>
public sealed class ServiceTokenFromSnapshotTests(ServiceTokenFromSnapshotTests.Servers servers) : IClassFixture<ServiceTokenFromSnapshotTests.Servers>
{
    private const string Scope = "consent.decide ledger.submit";
    private const string RotatingClient = "rotating-service";
    private const string RotatingSecret = "rotating-service-secret-0123456789abcdef";

    private IdentityServer On => servers.On;
    private IdentityServer Off => servers.Off;

    /// <summary>One server with the shortcut (the default) and one without, shared by the tests; each counts the requests OpenIddict extracted.</summary>
    public sealed class Servers : IAsyncLifetime
    {
        private readonly Dictionary<IdentityServer, Counter> _extracted = [];

        public IdentityServer On { get; private set; } = null!;
        public IdentityServer Off { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            // Long enough that the snapshots taken by the first requests answer all the others, however slow the machine.
            var settings = new Dictionary<string, string?> { ["Identity:EntityCacheLifetime"] = "00:10:00" };
            foreach (var (key, value) in new ClientDefinition
                     {
                         ClientId = RotatingClient, ClientSecret = RotatingSecret, GrantTypes = ["client_credentials"], Scopes = ["ledger.submit"],
                     }.ToSettings(20))
            {
                settings[key] = value;
            }
            On = await StartCountingAsync(settings);
            Off = await StartCountingAsync(new Dictionary<string, string?>(settings) { ["Identity:ServiceTokensFromSnapshot"] = "false" });
            // The first request of a client reads it (and its scopes' audiences) through OpenIddict and leaves the snapshots.
            foreach (var server in new[] { On, Off })
            {
                Assert.Equal(HttpStatusCode.OK, (await SendAsync(server, Form(Scope), Basic(IdentityServer.ServiceClient, IdentityServer.ServiceSecret))).Status);
            }
        }

        public async Task DisposeAsync()
        {
            await On.DisposeAsync();
            await Off.DisposeAsync();
        }

        public int Extracted(IdentityServer server) => Volatile.Read(ref _extracted[server].Value);

        private async Task<IdentityServer> StartCountingAsync(IDictionary<string, string?> settings)
        {
            var counter = new Counter();
            var server = await IdentityServer.StartAsync(settings, builder => builder.Services.Configure<OpenIddictServerOptions>(options =>
                options.Handlers.Add(OpenIddictServerHandlerDescriptor.CreateBuilder<ExtractTokenRequestContext>()
                    .UseInlineHandler(_ =>
                    {
                        Interlocked.Increment(ref counter.Value);
                        return default;
                    })
                    .SetOrder(int.MinValue)
                    .Build())));
            _extracted[server] = counter;
            return server;
        }

        private sealed class Counter
        {
            public int Value;
        }
    }

    private int Extracted(IdentityServer server) => servers.Extracted(server);

    [Fact]
    public async Task The_token_is_the_one_OpenIddict_issues_and_verifies_against_the_published_keys()
    {
        var before = Extracted(On);
        var shortcut = await SendAsync(On, Form(Scope), Basic(IdentityServer.ServiceClient, IdentityServer.ServiceSecret));
        Assert.Equal(before, Extracted(On)); // answered before OpenIddict extracted the request
        // The same client and scopes through OpenIddict's pipeline on the same server: the secret in the body.
        var reference = await SendAsync(On, Form(Scope, ("client_id", IdentityServer.ServiceClient), ("client_secret", IdentityServer.ServiceSecret)), null);
        Assert.Equal(before + 1, Extracted(On));

        Assert.Equal(HttpStatusCode.OK, shortcut.Status);
        Assert.Equal(HttpStatusCode.OK, reference.Status);
        Assert.Equal(Names(reference.Body), Names(shortcut.Body));
        Assert.Equal(reference.Body.GetProperty("token_type").GetString(), shortcut.Body.GetProperty("token_type").GetString());
        Assert.InRange(shortcut.Body.GetProperty("expires_in").GetInt64(), 299, 300);
        foreach (var header in new[] { "Cache-Control", "Pragma", "Expires", "Content-Type", "X-Content-Type-Options", "Content-Security-Policy" })
        {
            Assert.Equal(reference.Headers.GetValueOrDefault(header), shortcut.Headers.GetValueOrDefault(header));
        }
        Assert.False(string.IsNullOrEmpty(shortcut.Headers.GetValueOrDefault("DPoP-Nonce")), "the DPoP nonce is announced as on every token answer");

        var token = shortcut.Body.GetProperty("access_token").GetString()!;
        var expected = reference.Body.GetProperty("access_token").GetString()!;
        Assert.Equal(Jwt.Header(expected).ToString(), Jwt.Header(token).ToString());
        var claims = Jwt.Payload(token);
        var expectedClaims = Jwt.Payload(expected);
        Assert.Equal(Names(expectedClaims), Names(claims));
        foreach (var claim in Names(expectedClaims).Except(["jti", "iat", "exp"]))
        {
            Assert.Equal(expectedClaims.GetProperty(claim).ToString(), claims.GetProperty(claim).ToString());
        }
        Assert.Equal(300, claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64());
        Assert.NotEqual(expectedClaims.GetProperty("jti").GetString(), claims.GetProperty("jti").GetString());

        // Verified as a resource server would: the published keys, the issuer, the at+jwt type, the lifetime.
        using var http = new HttpClient { BaseAddress = On.BaseAddress };
        var keys = new JsonWebKeySet(await http.GetStringAsync("/.well-known/jwks")).GetSigningKeys();
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = keys,
            ValidIssuer = On.BaseAddress.AbsoluteUri,
            ValidAudiences = ["consent", "ledger"],
            ValidTypes = ["at+jwt"],
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
    }

    [Fact]
    public async Task Its_tokens_introspect_and_revoke_as_OpenIddicts_do()
    {
        var before = Extracted(On);
        var token = (await SendAsync(On, Form(Scope), Basic(IdentityServer.ServiceClient, IdentityServer.ServiceSecret))).Body.GetProperty("access_token").GetString()!;
        Assert.Equal(before, Extracted(On));

        // Introspected beside a token OpenIddict issued through its pipeline (the secret in the body): the same answer.
        var reference = (await SendAsync(On, Form(Scope, ("client_id", IdentityServer.ServiceClient), ("client_secret", IdentityServer.ServiceSecret)), null))
            .Body.GetProperty("access_token").GetString()!;
        var active = await PostTokenAsync("/connect/introspect", token);
        var expected = await PostTokenAsync("/connect/introspect", reference);
        Assert.True(active.GetProperty("active").GetBoolean());
        Assert.Equal(Names(expected), Names(active));
        foreach (var name in Names(expected).Except(["jti", "iat", "exp", "nbf"]))
        {
            Assert.Equal(expected.GetProperty(name).ToString(), active.GetProperty(name).ToString());
        }

        await PostTokenAsync("/connect/revoke", token);
        Assert.False((await PostTokenAsync("/connect/introspect", token)).GetProperty("active").GetBoolean());
    }

    public static TheoryData<string> Declined => new()
    {
        "wrong secret", "empty secret", "unknown client", "unregistered scope", "scope not permitted", "openid scope", "resource parameter",
        "scope twice", "secret in body and header", "query string", "DPoP header", "JSON body", "unknown grant", "no grant type",
    };

    [Theory]
    [MemberData(nameof(Declined))]
    public async Task Every_request_it_declines_gets_OpenIddicts_own_answer(string @case)
    {
        var basic = Basic(IdentityServer.ServiceClient, IdentityServer.ServiceSecret);
        // A factory, not a content: each of the two servers gets its own request.
        (Func<HttpContent> Content, string? Authorization, string Path, string? Dpop) request = @case switch
        {
            "wrong secret" => (() => Form(Scope), Basic(IdentityServer.ServiceClient, "not-the-secret-0123456789abcdefghijkl"), "/connect/token", null),
            "empty secret" => (() => Form(Scope), "Basic " + Convert.ToBase64String(Encoding.ASCII.GetBytes(IdentityServer.ServiceClient + ":")), "/connect/token", null),
            "unknown client" => (() => Form(Scope), Basic("nobody-here", IdentityServer.ServiceSecret), "/connect/token", null),
            "unregistered scope" => (() => Form("consent.decide no.such.scope"), basic, "/connect/token", null),
            "scope not permitted" => (() => Form("records"), basic, "/connect/token", null),
            "openid scope" => (() => Form("openid consent.decide"), basic, "/connect/token", null),
            "resource parameter" => (() => Form(Scope, ("resource", "https://elsewhere.example/")), basic, "/connect/token", null),
            "scope twice" => (() => Form(Scope, ("scope", "ledger.submit")), basic, "/connect/token", null),
            "secret in body and header" => (() => Form(Scope, ("client_secret", IdentityServer.ServiceSecret)), basic, "/connect/token", null),
            "query string" => (() => Form(Scope), basic, "/connect/token?scope=records", null),
            "DPoP header" => (() => Form(Scope), basic, "/connect/token", "not-a-proof"),
            "JSON body" => (() => new StringContent("""{"grant_type":"client_credentials"}""", Encoding.UTF8, "application/json"), basic, "/connect/token", null),
            "unknown grant" => (() => new FormUrlEncodedContent([new("grant_type", "password"), new("scope", Scope)]), basic, "/connect/token", null),
            _ => (() => new FormUrlEncodedContent([new("scope", Scope)]), basic, "/connect/token", null),
        };

        var answers = new List<(HttpStatusCode, string?, string?)>();
        foreach (var server in new[] { On, Off })
        {
            var before = Extracted(server);
            using var http = new HttpClient { BaseAddress = server.BaseAddress };
            using var message = new HttpRequestMessage(HttpMethod.Post, request.Path) { Content = request.Content() };
            if (request.Authorization is not null)
            {
                message.Headers.TryAddWithoutValidation("Authorization", request.Authorization);
            }
            if (request.Dpop is not null)
            {
                message.Headers.TryAddWithoutValidation("DPoP", request.Dpop);
            }
            using var response = await http.SendAsync(message);
            var body = await response.Content.ReadAsStringAsync();
            var json = body.Length > 0 && body[0] == '{' ? JsonDocument.Parse(body).RootElement : default;
            answers.Add((response.StatusCode,
                json.ValueKind == JsonValueKind.Object && json.TryGetProperty("error", out var error) ? error.GetString() : null,
                json.ValueKind == JsonValueKind.Object && json.TryGetProperty("access_token", out _) ? "a token" : null));
            Assert.True(Extracted(server) == before + 1, $"{@case}: the request went through OpenIddict's pipeline");
        }

        Assert.Equal(answers[1], answers[0]);
    }

    [Fact]
    public async Task A_secret_rotated_through_the_manager_is_in_force_for_the_next_request()
    {
        const string rotated = "rotated-service-secret-0123456789abcdefgh";
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(On, Form("ledger.submit"), Basic(RotatingClient, RotatingSecret))).Status);
        }
        await using (var scope = On.Service.Services.CreateAsyncScope())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var application = (await applications.FindByClientIdAsync(RotatingClient))!;
            var descriptor = new OpenIddictApplicationDescriptor();
            await applications.PopulateAsync(descriptor, application);
            descriptor.ClientSecret = rotated;
            await applications.UpdateAsync(application, descriptor);
        }

        var old = await SendAsync(On, Form("ledger.submit"), Basic(RotatingClient, RotatingSecret));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (old.Status, old.Body.GetProperty("error").GetString()));
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(On, Form("ledger.submit"), Basic(RotatingClient, rotated))).Status);
        }
        var before = Extracted(On);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(On, Form("ledger.submit"), Basic(RotatingClient, rotated))).Status);
        Assert.Equal(before, Extracted(On)); // the new secret's requests are answered from the refreshed snapshot
    }

    [Fact]
    public async Task Switched_off_every_request_goes_through_OpenIddict()
    {
        var before = Extracted(Off);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(Off, Form(Scope), Basic(IdentityServer.ServiceClient, IdentityServer.ServiceSecret))).Status);
        }
        Assert.Equal(before + 3, Extracted(Off));
    }

    [Theory]
    [InlineData("Basic cGxhdGZvcm0tc2VydmljZXM6YSUyMGIrYw==", true, "platform-services", "a b c")] // "platform-services:a%20b+c"
    [InlineData("basic cGxhdGZvcm0tc2VydmljZXM6c2VjcmV0", true, "platform-services", "secret")]  // scheme in any case
    [InlineData("Basic cGxhdGZvcm0tc2VydmljZXM=", false, "", "")]                              // no colon
    [InlineData("Basic OnNlY3JldA==", false, "", "")]                                           // no client id
    [InlineData("Basic !!!", false, "", "")]                                                    // not base64
    [InlineData("Bearer abc", false, "", "")]
    public void Basic_credentials_are_read_as_OpenIddict_reads_them(string header, bool read, string clientId, string secret)
    {
        Assert.Equal((read, clientId, secret),
            (ServiceTokenFromSnapshot.TryReadBasicCredentials(header, out var id, out var value), read ? id : "", read ? value : ""));
    }

    private static FormUrlEncodedContent Form(string scope, params (string Name, string Value)[] extra) =>
        new([new("grant_type", "client_credentials"), new("scope", scope), .. extra.Select(e => new KeyValuePair<string, string>(e.Name, e.Value))]);

    private static string Basic(string clientId, string secret) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}"));

    private static async Task<(HttpStatusCode Status, JsonElement Body, Dictionary<string, string> Headers)> SendAsync(IdentityServer server, HttpContent form, string? authorization)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token") { Content = form };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        using var response = await http.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        return (response.StatusCode, body, headers);
    }

    private async Task<JsonElement> PostTokenAsync(string path, string token)
    {
        using var http = new HttpClient { BaseAddress = On.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent([new("token", token)]) };
        request.Headers.TryAddWithoutValidation("Authorization", Basic(IdentityServer.ServiceClient, IdentityServer.ServiceSecret));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string[] Names(JsonElement json) => [.. json.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
}
