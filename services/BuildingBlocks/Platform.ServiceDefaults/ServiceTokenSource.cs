using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Platform.ServiceDefaults;

/// <summary>Fetches and caches client-credentials tokens per scope.</summary>
public sealed class ServiceTokenSource(IHttpClientFactory http, IConfiguration configuration, TimeProvider time)
{
    public const string HttpClientName = "platform-service-tokens";
    private readonly Dictionary<string, (string Token, DateTimeOffset RefreshAt)> _cache = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Uri? _tokenEndpoint;

    public async Task<string> GetAsync(string scope, bool refresh, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!refresh && _cache.TryGetValue(scope, out var cached) && time.GetUtcNow() < cached.RefreshAt)
            {
                return cached.Token;
            }
            var client = http.CreateClient(HttpClientName);
            _tokenEndpoint ??= await DiscoverTokenEndpointAsync(client, cancellationToken);
            var clientId = configuration["ServiceClient:ClientId"] ?? throw new InvalidOperationException("ServiceClient:ClientId is not configured.");
            var secret = configuration["ServiceClient:ClientSecret"] ?? throw new InvalidOperationException("ServiceClient:ClientSecret is not configured.");
            using var request = new HttpRequestMessage(HttpMethod.Post, _tokenEndpoint)
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = scope }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));
            using var response = await client.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                // The body may echo the client id but never the secret; keep only the status.
                throw new HttpRequestException($"The identity service refused the service token request ({(int)response.StatusCode}).", null, response.StatusCode);
            }
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var token = body.GetProperty("access_token").GetString()!;
            var lifetime = TimeSpan.FromSeconds(body.TryGetProperty("expires_in", out var e) ? e.GetInt32() : 300);
            _cache[scope] = (token, time.GetUtcNow() + lifetime - TimeSpan.FromMinutes(1));
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Uri> DiscoverTokenEndpointAsync(HttpClient client, CancellationToken cancellationToken)
    {
        // ServiceClient:Authority for a service that asks tokens of an issuer it does not validate tokens from (the
        // identity service asking itself, for the SMART patient picker); otherwise the issuer it validates.
        var authority = configuration["ServiceClient:Authority"] ?? configuration["Authentication:Authority"]
            ?? throw new InvalidOperationException("Authentication:Authority (or ServiceClient:Authority) is not configured.");
        var discovery = await client.GetFromJsonAsync<JsonElement>(new Uri(new Uri(authority.TrimEnd('/') + "/"), ".well-known/openid-configuration"), cancellationToken);
        return new Uri(discovery.GetProperty("token_endpoint").GetString()!);
    }
}
