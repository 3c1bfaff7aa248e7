using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.DevHost;

namespace Platform.Journey.Tests.DevHost;

/// <summary>
/// A client-credentials token with the <c>ledger.audit</c> scope from the dev host's identity service: the ledger's
/// entries are private (auditors only), and the journeys read them to check the log.
/// </summary>
public static class LedgerAuditor
{
    public static async Task<string> TokenAsync(Uri identity)
    {
        using var http = new HttpClient { BaseAddress = identity };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "ledger.audit" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{DevHostIdentity.ServiceClientId}:{DevHostIdentity.ServiceClientSecret}")));
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }
}
