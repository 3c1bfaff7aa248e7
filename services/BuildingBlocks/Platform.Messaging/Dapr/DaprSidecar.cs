namespace Platform.Messaging.Dapr;

/// <summary>
/// Where the sidecar's HTTP API is and how to authenticate to it, from the variables daprd's injector sets:
/// <c>DAPR_HTTP_ENDPOINT</c> (else <c>http://127.0.0.1:$DAPR_HTTP_PORT</c>, default port 3500) and <c>DAPR_API_TOKEN</c>.
/// </summary>
public sealed record DaprSidecar(Uri HttpEndpoint, string? ApiToken)
{
    public static DaprSidecar FromEnvironment(Func<string, string?> read)
    {
        var endpoint = read("DAPR_HTTP_ENDPOINT") is { Length: > 0 } configured
            ? configured
            : $"http://127.0.0.1:{read("DAPR_HTTP_PORT") ?? "3500"}";
        return new DaprSidecar(new Uri(endpoint.TrimEnd('/') + "/"), read("DAPR_API_TOKEN"));
    }

    public void Authorize(HttpRequestMessage request)
    {
        if (!string.IsNullOrEmpty(ApiToken))
        {
            request.Headers.Add("dapr-api-token", ApiToken);
        }
    }
}
