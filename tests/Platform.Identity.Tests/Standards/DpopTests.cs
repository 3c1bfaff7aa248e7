using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests.Standards;

/// <summary>
/// DPoP (RFC 9449) end to end: the token endpoint demands its nonce, binds the access token (<c>cnf.jkt</c>,
/// <c>token_type: DPoP</c>) and a public client's refresh token to the proof's key; a resource service running the
/// platform's shared token validation refuses the bound token without a proof, with a proof for another method or URL,
/// with a replayed <c>jti</c>, or signed by another key, and accepts it with a fresh proof.
/// </summary>
public sealed class DpopTests(StandardsServerFixture fixture) : IClassFixture<StandardsServerFixture>
{
    private IdentityServer Server => fixture.Server;

    private Uri TokenEndpoint => new(Server.BaseAddress, "/connect/token");

    private async Task<string> CodeAsync(CodeFlow flow, TestAccount account, string clientId, string redirectUri, Pkce pkce)
    {
        var redirect = await flow.RunAsync(CodeFlow.AuthorizeUrl(clientId, redirectUri, "openid offline_access records", pkce, state: "dpop"), account);
        Assert.StartsWith(redirectUri, redirect, StringComparison.Ordinal);
        return CodeFlow.QueryOf(redirect)["code"];
    }

    private static Task<(HttpStatusCode Status, JsonElement Body, string? Nonce)> TokenAsync(FormSession session, Dictionary<string, string> form, string? proof) =>
        DpopTokenRequest.SendAsync(session, form, proof);

    private static async Task<HttpResponseMessage> CallAsync(HttpClient http, HttpMethod method, Uri url, string scheme, string token, string? proof)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        if (proof is not null)
        {
            request.Headers.Add("DPoP", proof);
        }
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Bound_token_is_refused_without_a_fresh_proof_by_its_key_and_accepted_with_one()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(Server.BaseAddress);
        var flow = new CodeFlow(session);
        var pkce = Pkce.Create();
        var code = await CodeAsync(flow, patient, StandardsServerFixture.SpaClient, StandardsServerFixture.SpaRedirect, pkce);
        using var key = new DpopKey();
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["client_id"] = StandardsServerFixture.SpaClient,
            ["redirect_uri"] = StandardsServerFixture.SpaRedirect, ["code_verifier"] = pkce.Verifier,
        };

        // Without the server's nonce: use_dpop_nonce and a nonce to use (RFC 9449 §8).
        var first = await TokenAsync(session, form, key.Proof("POST", TokenEndpoint.AbsoluteUri));
        Assert.Equal(HttpStatusCode.BadRequest, first.Status);
        Assert.Equal("use_dpop_nonce", first.Body.GetProperty("error").GetString());
        Assert.NotNull(first.Nonce);
        var issued = await TokenAsync(session, form, key.Proof("POST", TokenEndpoint.AbsoluteUri, nonce: first.Nonce));
        Assert.True(issued.Status == HttpStatusCode.OK, issued.Body.ToString());
        Assert.Equal("DPoP", issued.Body.GetProperty("token_type").GetString());
        var accessToken = issued.Body.GetProperty("access_token").GetString()!;
        Assert.Equal(key.Thumbprint, Jwt.Payload(accessToken).GetProperty("cnf").GetProperty("jkt").GetString());

        await using var resource = await ProbeResourceServer.StartAsync(Server.BaseAddress);
        using var http = new HttpClient();
        var probe = resource.Probe;

        using (var noProof = await CallAsync(http, HttpMethod.Get, probe, "DPoP", accessToken, null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noProof.StatusCode);
            var challenge = noProof.Headers.WwwAuthenticate.Single();
            Assert.Equal("DPoP", challenge.Scheme);
            Assert.Contains("invalid_dpop_proof", challenge.Parameter, StringComparison.Ordinal);
            Assert.Contains("algs=", challenge.Parameter, StringComparison.Ordinal);
        }
        using (var asBearer = await CallAsync(http, HttpMethod.Get, probe, "Bearer", accessToken, key.Proof("GET", probe.AbsoluteUri, accessToken)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, asBearer.StatusCode);
        }
        using (var otherMethod = await CallAsync(http, HttpMethod.Get, probe, "DPoP", accessToken, key.Proof("POST", probe.AbsoluteUri, accessToken)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, otherMethod.StatusCode);
        }
        using (var otherUrl = await CallAsync(http, HttpMethod.Get, probe, "DPoP", accessToken, key.Proof("GET", new Uri(resource.Address, "/other").AbsoluteUri, accessToken)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, otherUrl.StatusCode);
        }
        using (var noAth = await CallAsync(http, HttpMethod.Get, probe, "DPoP", accessToken, key.Proof("GET", probe.AbsoluteUri)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noAth.StatusCode);
        }
        using (var stale = await CallAsync(http, HttpMethod.Get, probe, "DPoP", accessToken,
                   key.Proof("GET", probe.AbsoluteUri, accessToken, issuedAt: DateTimeOffset.UtcNow.AddMinutes(-5))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        }
        using (var otherKey = new DpopKey())
        using (var wrongKey = await CallAsync(http, HttpMethod.Get, probe, "DPoP", accessToken, otherKey.Proof("GET", probe.AbsoluteUri, accessToken)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        }
        var fresh = key.Proof("GET", probe.AbsoluteUri, accessToken);
        using (var accepted = await CallAsync(http, HttpMethod.Get, probe, "DPoP", accessToken, fresh))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
            Assert.Contains(patient.Id, await accepted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var replayed = await CallAsync(http, HttpMethod.Get, probe, "DPoP", accessToken, fresh))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
            Assert.Contains("used before", replayed.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
        }
        using (var post = await CallAsync(http, HttpMethod.Post, probe, "DPoP", accessToken, key.Proof("POST", probe.AbsoluteUri, accessToken)))
        {
            Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        }

        // The public client's refresh token is bound too: no proof, or another key's, gets nothing.
        var refresh = new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = issued.Body.GetProperty("refresh_token").GetString()!,
            ["client_id"] = StandardsServerFixture.SpaClient,
        };
        var unproven = await TokenAsync(session, refresh, null);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_dpop_proof"), (unproven.Status, unproven.Body.GetProperty("error").GetString()));
        using (var otherKey = new DpopKey())
        {
            var foreign = await TokenAsync(session, refresh, otherKey.Proof("POST", TokenEndpoint.AbsoluteUri, nonce: unproven.Nonce));
            Assert.Equal((HttpStatusCode.BadRequest, "invalid_dpop_proof"), (foreign.Status, foreign.Body.GetProperty("error").GetString()));
        }
        var refreshed = await TokenAsync(session, refresh, key.Proof("POST", TokenEndpoint.AbsoluteUri, nonce: unproven.Nonce));
        Assert.True(refreshed.Status == HttpStatusCode.OK, refreshed.Body.ToString());
        Assert.Equal("DPoP", refreshed.Body.GetProperty("token_type").GetString());
        Assert.Equal(key.Thumbprint, Jwt.Payload(refreshed.Body.GetProperty("access_token").GetString()!).GetProperty("cnf").GetProperty("jkt").GetString());
    }

    [Fact]
    public async Task Client_configured_to_require_dpop_gets_no_token_without_a_proof_and_unbound_tokens_stay_bearer()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(Server.BaseAddress);
        var flow = new CodeFlow(session);
        var pkce = Pkce.Create();
        var code = await CodeAsync(flow, patient, StandardsServerFixture.DpopRequiredClient, StandardsServerFixture.DpopRequiredRedirect, pkce);
        var refused = await TokenAsync(session, new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["client_id"] = StandardsServerFixture.DpopRequiredClient,
            ["redirect_uri"] = StandardsServerFixture.DpopRequiredRedirect, ["code_verifier"] = pkce.Verifier,
        }, null);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_dpop_proof"), (refused.Status, refused.Body.GetProperty("error").GetString()));

        // A client that does not use DPoP keeps bearer tokens, which the resource service refuses under the DPoP scheme.
        var bearer = await flow.SignInThroughPortalAsync(patient);
        Assert.Equal("Bearer", bearer.GetProperty("token_type").GetString());
        var accessToken = bearer.GetProperty("access_token").GetString()!;
        Assert.False(Jwt.Payload(accessToken).TryGetProperty("cnf", out _));
        await using var resource = await ProbeResourceServer.StartAsync(Server.BaseAddress);
        using var http = new HttpClient();
        using (var asBearer = await CallAsync(http, HttpMethod.Get, resource.Probe, "Bearer", accessToken, null))
        {
            Assert.Equal(HttpStatusCode.OK, asBearer.StatusCode);
        }
        using var key = new DpopKey();
        using var asDpop = await CallAsync(http, HttpMethod.Get, resource.Probe, "DPoP", accessToken, key.Proof("GET", resource.Probe.AbsoluteUri, accessToken));
        Assert.Equal(HttpStatusCode.Unauthorized, asDpop.StatusCode);
    }
}
