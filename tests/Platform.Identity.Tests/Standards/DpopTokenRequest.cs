using System.Net;
using System.Text.Json;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests.Standards;

/// <summary>A form posted to the token endpoint with an optional <c>DPoP</c> proof header; the answer and the server's <c>DPoP-Nonce</c>.</summary>
public static class DpopTokenRequest
{
    public static async Task<(HttpStatusCode Status, JsonElement Body, string? Nonce)> SendAsync(FormSession session, Dictionary<string, string> form, string? proof)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token") { Content = new FormUrlEncodedContent(form) };
        if (proof is not null)
        {
            request.Headers.Add("DPoP", proof);
        }
        using var response = await session.Http.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return (response.StatusCode, body, response.Headers.TryGetValues("DPoP-Nonce", out var nonces) ? nonces.Single() : null);
    }
}
