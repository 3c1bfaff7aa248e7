using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Testing;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// A tiny Kestrel app on loopback standing between the vault and the real consent service: it forwards every request
/// (<see cref="ConsentSwitchMode.Forward"/>), or stops answering, or answers something that is not a decision, or fails.
/// </summary>
public sealed class ConsentSwitch : IAsyncDisposable
{
    private static readonly string[] ForwardedHeaders = ["Authorization", "X-Subject-Token"];
    private readonly WebApplication _app;
    private readonly HttpClient _consent;
    private int _mode = (int)ConsentSwitchMode.Forward;
    private int _requests;

    private ConsentSwitch(Uri consent)
    {
        _consent = new HttpClient { BaseAddress = consent };
        Address = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(Address.AbsoluteUri);
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    public Uri Address { get; }

    public ConsentSwitchMode Mode
    {
        get => (ConsentSwitchMode)Volatile.Read(ref _mode);
        set => Volatile.Write(ref _mode, (int)value);
    }

    /// <summary>Requests that reached the switch, whatever it answered.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public static async Task<ConsentSwitch> StartAsync(Uri consent)
    {
        var started = new ConsentSwitch(consent);
        await started._app.StartAsync();
        return started;
    }

    private async Task HandleAsync(HttpContext http)
    {
        Interlocked.Increment(ref _requests);
        switch (Mode)
        {
            case ConsentSwitchMode.Silent:
                // Holds the request until the vault gives up on it.
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }
                return;
            case ConsentSwitchMode.Malformed:
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync("""{"decision":"permit","reason":"consent_permits"}""");
                return;
            case ConsentSwitchMode.Failing:
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
        }
        using var forward = new HttpRequestMessage(new HttpMethod(http.Request.Method), http.Request.Path + http.Request.QueryString);
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body);
        forward.Content = new ByteArrayContent(body.ToArray());
        if (http.Request.ContentType is { } contentType)
        {
            forward.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        foreach (var name in ForwardedHeaders)
        {
            if (http.Request.Headers.TryGetValue(name, out var value))
            {
                forward.Headers.TryAddWithoutValidation(name, value.ToString());
            }
        }
        using var answer = await _consent.SendAsync(forward);
        http.Response.StatusCode = (int)answer.StatusCode;
        if (answer.Content.Headers.ContentType is { } answerType)
        {
            http.Response.ContentType = answerType.ToString();
        }
        await http.Response.Body.WriteAsync(await answer.Content.ReadAsByteArrayAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _consent.Dispose();
    }
}

public enum ConsentSwitchMode
{
    Forward,
    Silent,
    Malformed,
    Failing,
}
