using System.Net;
using Platform.Identity.Testing;
using Platform.ServiceDefaults.Dpop;

namespace Platform.Journey.Tests.DevHost;

/// <summary>Access tokens for the dev host's demo accounts (README), and clients that present them to its services.</summary>
internal static class DemoSignIn
{
    /// <summary>The tests' DPoP key (the dev host's clinician-portal client binds every token to one); lives as long as the test process.</summary>
    public static readonly DpopProofKey Dpop = new();

    /// <summary>A code flow with PKCE through the public <c>clinician-portal</c> client, as the account, for the scopes.</summary>
    public static async Task<string> TokenAsync(DevHostProcess host, TestAccount account, string scope)
    {
        using var session = new FormSession(new Uri($"http://localhost:{host.IdentityPort}"));
        var flow = new CodeFlow(session);
        var pkce = Pkce.Create();
        const string redirectUri = "http://localhost:5173/callback";
        var redirect = await flow.RunAsync(CodeFlow.AuthorizeUrl("clinician-portal", redirectUri, scope, pkce), account);
        var (status, body) = await flow.RedeemCodeAsync(CodeFlow.QueryOf(redirect)["code"], "clinician-portal", redirectUri, pkce.Verifier, Dpop);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    /// <summary>A client for one of the dev host's services, with the token when one is given (DPoP-bound ones with a proof per request).</summary>
    public static HttpClient Client(int port, string? token) => DpopClients.Create(new Uri($"http://localhost:{port}"), token, Dpop);
}
