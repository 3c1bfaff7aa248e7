using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Platform.Testing;

namespace Platform.Identity.Tests.Standards;

/// <summary>
/// A relying party's back-channel logout endpoint on a loopback port that keeps every logout token it is sent. It can
/// be told to answer 503 to the next few deliveries, as a client that is restarting would.
/// </summary>
public sealed class LogoutTokenReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failNext;

    private LogoutTokenReceiver(WebApplication app, Uri uri)
    {
        _app = app;
        Uri = uri;
    }

    public Uri Uri { get; }

    /// <summary>Each POST that arrived: the logout_token, or null when the body had none; and what was answered.</summary>
    public ConcurrentQueue<(string? Token, int Status)> Received { get; } = new();

    public void FailNext(int count) => Interlocked.Exchange(ref _failNext, count);

    public static async Task<LogoutTokenReceiver> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new LogoutTokenReceiver(app, new Uri($"http://127.0.0.1:{port}/backchannel-logout"));
        app.MapPost("/backchannel-logout", async (HttpContext context) =>
        {
            var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync() : null;
            var status = Interlocked.Decrement(ref receiver._failNext) >= 0 ? 503 : 200;
            receiver.Received.Enqueue((form?["logout_token"].ToString(), status));
            context.Response.StatusCode = status;
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
