using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.ServiceDefaults;

namespace Platform.BuildingBlocks.Tests.Messaging;

/// <summary>
/// Plays the sidecar's HTTP API for the publishing side (no daprd can run here): records every
/// <c>POST /v1.0/publish/...</c> and answers <c>/v1.0/healthz</c>, with a status the test chooses.
/// </summary>
public sealed class FakeDaprSidecar : IAsyncDisposable
{
    private readonly WebApplication _app;

    public sealed record Recorded(string Path, string Query, string? ContentType, byte[] Body, IReadOnlyDictionary<string, string> Headers);

    public ConcurrentQueue<Recorded> Publishes { get; } = new();
    public int PublishStatus { get; set; } = StatusCodes.Status204NoContent;
    public Uri Endpoint { get; }

    private FakeDaprSidecar(WebApplication app)
    {
        _app = app;
        Endpoint = app.GetListeningAddress();
    }

    public static async Task<FakeDaprSidecar> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeDaprSidecar? sidecar = null;
        app.MapGet("/v1.0/healthz", () => Results.NoContent());
        app.MapPost("/v1.0/publish/{**rest}", async (HttpContext http) =>
        {
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body);
            sidecar!.Publishes.Enqueue(new Recorded(http.Request.Path, http.Request.QueryString.Value ?? "",
                http.Request.ContentType, body.ToArray(), http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString())));
            return Results.StatusCode(sidecar.PublishStatus);
        });
        await app.StartAsync();
        sidecar = new FakeDaprSidecar(app);
        return sidecar;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
