using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Platform.ServiceDefaults.Dpop;

namespace Platform.Identity.Testing;

/// <summary>Drives the authorization code flow over HTTP: authorize, the login pages, then the token endpoint.</summary>
public sealed class CodeFlow(FormSession session)
{
    public FormSession Session => session;

    public static string AuthorizeUrl(string clientId, string redirectUri, string scope, Pkce? pkce, string state = "state-1", string? extra = null)
    {
        var query = new Dictionary<string, string?>
        {
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["response_type"] = "code",
            ["scope"] = scope,
            ["state"] = state,
            ["nonce"] = "nonce-" + state,
        };
        if (pkce is not null)
        {
            query["code_challenge"] = pkce.Challenge;
            query["code_challenge_method"] = "S256";
        }
        var url = QueryHelpers.AddQueryString("/connect/authorize", query);
        return extra is null ? url : url + "&" + extra;
    }

    /// <summary>
    /// Starts at <paramref name="url"/> and walks through sign-in (password, TOTP) and the authorization endpoint;
    /// returns the first redirect that leaves those steps (the client's redirect URI, or another page).
    /// </summary>
    public async Task<string> RunAsync(string url, TestAccount? account)
    {
        using var first = await session.GetAsync(url);
        var location = FormSession.Location(first);
        for (var hops = 0; hops < 12; hops++)
        {
            HttpResponseMessage next;
            if (location.StartsWith("/account/login?", StringComparison.Ordinal) && account is not null)
            {
                next = await session.SubmitAsync(location, new Dictionary<string, string> { ["Email"] = account.Email, ["Password"] = account.Password });
            }
            else if (location.StartsWith("/account/login-2fa", StringComparison.Ordinal) && account is not null)
            {
                next = await session.SubmitAsync(location, new Dictionary<string, string> { ["Code"] = account.NextCode() });
            }
            else if (location.StartsWith("/connect/authorize", StringComparison.Ordinal))
            {
                next = await session.GetAsync(location);
            }
            else
            {
                return location;
            }
            using (next)
            {
                location = FormSession.Location(next);
            }
        }
        throw new InvalidOperationException("Too many redirects.");
    }

    public static IDictionary<string, string> QueryOf(string redirect)
    {
        var uri = new Uri(redirect);
        return QueryHelpers.ParseQuery(uri.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
    }

    /// <param name="dpop">Signs a DPoP proof for the request (RFC 9449), sent again with the server's nonce when it asks.</param>
    public async Task<(HttpStatusCode Status, JsonElement Body)> TokenAsync(IDictionary<string, string> form, string? basicClient = null, string? basicSecret = null,
        DpopProofKey? dpop = null)
    {
        string? nonce = null;
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token") { Content = new FormUrlEncodedContent(form) };
            if (basicClient is not null)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
                    Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(basicClient)}:{Uri.EscapeDataString(basicSecret ?? "")}")));
            }
            if (dpop is not null)
            {
                request.Headers.Add(DpopProofValidator.HeaderName, dpop.CreateProof(HttpMethod.Post, new Uri(session.Http.BaseAddress!, "/connect/token"), nonce: nonce));
            }
            using var response = await session.Http.SendAsync(request);
            var json = await response.Content.ReadAsStringAsync();
            var body = JsonDocument.Parse(json).RootElement.Clone();
            if (dpop is not null && nonce is null && response.StatusCode == HttpStatusCode.BadRequest
                && body.TryGetProperty("error", out var error) && error.GetString() == DpopProofResult.UseNonce
                && response.Headers.TryGetValues(DpopProofValidator.NonceHeaderName, out var nonces))
            {
                nonce = nonces.First();
                continue;
            }
            return (response.StatusCode, body);
        }
    }

    public Task<(HttpStatusCode Status, JsonElement Body)> RedeemCodeAsync(string code, string clientId, string redirectUri, string? verifier,
        DpopProofKey? dpop = null) =>
        TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["client_id"] = clientId,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = verifier ?? "",
        }.Where(p => p.Value.Length > 0).ToDictionary(), dpop: dpop);

    /// <summary>Full sign-in of <paramref name="account"/> through the public portal client; returns the token response.</summary>
    /// <param name="dpop">The key the tokens are bound to: required where the client requires DPoP (the dev host's).</param>
    public Task<JsonElement> SignInThroughPortalAsync(TestAccount account, string scope = "openid profile email roles offline_access records",
        DpopProofKey? dpop = null) =>
        SignInThroughClientAsync(IdentityServer.PortalClient, IdentityServer.PortalRedirect, account, scope, dpop);

    /// <summary>Full sign-in of <paramref name="account"/> through a public client (code + PKCE); returns the token response.</summary>
    public async Task<JsonElement> SignInThroughClientAsync(string clientId, string redirectUri, TestAccount account, string scope, DpopProofKey? dpop = null)
    {
        var pkce = Pkce.Create();
        var redirect = await RunAsync(AuthorizeUrl(clientId, redirectUri, scope, pkce), account);
        Assert.StartsWith(redirectUri, redirect, StringComparison.Ordinal);
        var query = QueryOf(redirect);
        Assert.True(query.ContainsKey("code"), redirect);
        var (status, body) = await RedeemCodeAsync(query["code"], clientId, redirectUri, pkce.Verifier, dpop);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body;
    }
}
