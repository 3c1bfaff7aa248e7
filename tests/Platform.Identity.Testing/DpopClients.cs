using System.Net.Http.Headers;
using Platform.ServiceDefaults.Dpop;

namespace Platform.Identity.Testing;

/// <summary>
/// HTTP clients for tests that hold DPoP-bound tokens (the <c>clinician-portal</c> client requires DPoP): a bound token
/// (<c>cnf</c>) goes as <c>Authorization: DPoP</c> with a fresh proof by the key per request (the production
/// <see cref="DpopHandler"/>), an unbound one as Bearer.
/// </summary>
public static class DpopClients
{
    public static HttpClient Create(Uri baseAddress, string? token, DpopProofKey key, SocketsHttpHandler? inner = null)
    {
        var http = new HttpClient(new DpopHandler(key) { InnerHandler = inner ?? new SocketsHttpHandler() })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = Authorization(token);
        }
        return http;
    }

    /// <summary>DPoP for a token bound to a key, Bearer otherwise.</summary>
    public static AuthenticationHeaderValue Authorization(string token) =>
        new(IsBound(token) ? DpopProofValidator.Scheme : "Bearer", token);

    public static bool IsBound(string token) => Jwt.Payload(token).TryGetProperty("cnf", out _);
}
