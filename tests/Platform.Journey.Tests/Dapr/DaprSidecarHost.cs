using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.ServiceDefaults;

namespace Platform.Journey.Tests.Dapr;

/// <summary>
/// One app's sidecar: daprd's HTTP API on its own loopback port (what DAPR_HTTP_ENDPOINT points at), so the harness
/// knows which app-id publishes or invokes. Serves <c>/v1.0/healthz</c>, <c>/v1.0/publish/{pubsub}/{topic}</c> and
/// <c>/v1.0/invoke/{app-id}/method/{path}</c>; with an API token every other call needs <c>dapr-api-token</c>.
/// </summary>
public sealed class DaprSidecarHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DaprSidecarHost(WebApplication app, string appId)
    {
        _app = app;
        AppId = appId;
        Endpoint = app.GetListeningAddress();
    }

    public string AppId { get; }

    /// <summary>The sidecar's HTTP endpoint (DAPR_HTTP_ENDPOINT).</summary>
    public Uri Endpoint { get; }

    internal static async Task<DaprSidecarHost> StartAsync(DaprHarness harness, DaprHarness.AppRegistration registration)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();

        var expected = registration.ApiToken is { Length: > 0 } token ? Encoding.UTF8.GetBytes(token) : null;
        app.Use(async (http, next) =>
        {
            // daprd's API token check: everything but the health endpoints.
            if (expected is not null && !http.Request.Path.StartsWithSegments("/v1.0/healthz", StringComparison.Ordinal))
            {
                var presented = Encoding.UTF8.GetBytes(http.Request.Headers["dapr-api-token"].ToString());
                if (!CryptographicOperations.FixedTimeEquals(presented, expected))
                {
                    http.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    await http.Response.WriteAsJsonAsync(new { errorCode = "ERR_API_TOKEN", message = "invalid api token" });
                    return;
                }
            }
            await next(http);
        });

        app.MapGet("/v1.0/healthz", () => Results.NoContent());
        app.MapGet("/v1.0/healthz/outbound", () => Results.NoContent());

        app.MapPost("/v1.0/publish/{pubsub}/{**topic}", async (string pubsub, string topic, HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body, http.RequestAborted);
            var metadata = http.Request.Query
                .Where(q => q.Key.StartsWith("metadata.", StringComparison.Ordinal))
                .ToDictionary(q => q.Key["metadata.".Length..], q => q.Value.ToString(), StringComparer.Ordinal);
            var (status, code, message) = harness.Publish(registration.AppId, pubsub, topic, body.ToArray(), http.Request.ContentType, metadata,
                NullIfEmpty(http.Request.Headers["traceparent"].ToString()), NullIfEmpty(http.Request.Headers["tracestate"].ToString()));
            return status == StatusCodes.Status204NoContent
                ? Results.NoContent()
                : Results.Json(new { errorCode = code, message }, statusCode: status);
        });

        app.Map("/v1.0/invoke/{target}/method/{**path}", (string target, string? path, HttpContext http) =>
            harness.InvokeAsync(registration, target, path ?? "", http));

        app.MapFallback((HttpContext http) => Results.Json(
            new { errorCode = "ERR_NOT_FOUND", message = $"{http.Request.Method} {http.Request.Path} is not part of the harness's Dapr API" },
            statusCode: StatusCodes.Status404NotFound));

        await app.StartAsync();
        return new DaprSidecarHost(app, registration.AppId);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
