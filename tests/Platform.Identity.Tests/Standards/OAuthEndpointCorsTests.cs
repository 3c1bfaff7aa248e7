using System.Net;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests.Standards;

/// <summary>
/// CORS on the endpoints a browser application calls: origins come from the clients' registered redirect URIs and
/// nowhere else. Preflights from a registered origin pass; from any other origin they fail, and so do actual
/// requests (no Access-Control-Allow-Origin, so the browser withholds the answer).
/// </summary>
public sealed class OAuthEndpointCorsTests(StandardsServerFixture fixture) : IClassFixture<StandardsServerFixture>
{
    private IdentityServer Server => fixture.Server;

    public static readonly TheoryData<string, string> Endpoints = new()
    {
        { "/connect/token", "POST" },
        { "/connect/userinfo", "GET" },
        { "/.well-known/jwks", "GET" },
        { "/connect/revoke", "POST" },
        { "/connect/introspect", "POST" },
        { "/.well-known/openid-configuration", "GET" },
    };

    private async Task<HttpResponseMessage> PreflightAsync(string path, string method, string origin)
    {
        using var session = new FormSession(Server.BaseAddress);
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "content-type, dpop");
        return await session.Http.SendAsync(request);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Preflight_from_a_registered_redirect_origin_passes(string path, string method)
    {
        using var response = await PreflightAsync(path, method, StandardsServerFixture.SpaOrigin);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(StandardsServerFixture.SpaOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("POST", response.Headers.GetValues("Access-Control-Allow-Methods").Single(), StringComparison.Ordinal);
        Assert.Contains("dpop", response.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
        Assert.Contains("Origin", response.Headers.Vary);
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Preflight_from_any_other_origin_fails(string path, string method)
    {
        foreach (var origin in new[] { "https://evil.example", "https://spa.example:8443", "http://spa.example", "null", "https://spa.example.evil.example" })
        {
            using var response = await PreflightAsync(path, method, origin);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"), origin);
        }
    }

    [Fact]
    public async Task Portal_origin_comes_from_its_loopback_redirect_uri_including_the_port()
    {
        using var allowed = await PreflightAsync("/connect/token", "POST", "http://127.0.0.1:5173");
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        using var otherPort = await PreflightAsync("/connect/token", "POST", "http://127.0.0.1:5174");
        Assert.Equal(HttpStatusCode.Forbidden, otherPort.StatusCode);
    }

    [Fact]
    public async Task Actual_requests_carry_the_origin_only_for_registered_origins_and_the_named_clients_own()
    {
        using var session = new FormSession(Server.BaseAddress);
        async Task<HttpResponseMessage> SendAsync(string origin, string clientId)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "refresh_token", ["refresh_token"] = "not-a-token", ["client_id"] = clientId,
                }),
            };
            request.Headers.Add("Origin", origin);
            return await session.Http.SendAsync(request);
        }

        using (var own = await SendAsync(StandardsServerFixture.SpaOrigin, StandardsServerFixture.SpaClient))
        {
            Assert.Equal(HttpStatusCode.BadRequest, own.StatusCode); // invalid_grant, readable by the SPA
            Assert.Equal(StandardsServerFixture.SpaOrigin, own.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.Contains("dpop-nonce", own.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.Ordinal);
        }
        // A registered origin, but another client's: the browser does not hand the answer over.
        using (var foreign = await SendAsync(StandardsServerFixture.SpaOrigin, IdentityServer.PortalClient))
        {
            Assert.False(foreign.Headers.Contains("Access-Control-Allow-Origin"));
        }
        using (var unknown = await SendAsync("https://evil.example", StandardsServerFixture.SpaClient))
        {
            Assert.False(unknown.Headers.Contains("Access-Control-Allow-Origin"));
        }
        // JWKS: a GET that names no client, allowed for any registered origin.
        using var jwks = new HttpRequestMessage(HttpMethod.Get, "/.well-known/jwks");
        jwks.Headers.Add("Origin", StandardsServerFixture.SpaOrigin);
        using var keys = await session.Http.SendAsync(jwks);
        Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
        Assert.Equal(StandardsServerFixture.SpaOrigin, keys.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Other_paths_get_no_cors_headers_even_from_a_registered_origin()
    {
        using var response = await PreflightAsync("/admin/clients", "GET", StandardsServerFixture.SpaOrigin);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
