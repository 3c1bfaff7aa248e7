using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Platform.Testing;

/// <summary>
/// A tiny Kestrel app on loopback standing in for another platform service, so a client's outage handling is tested
/// over real HTTP: in <see cref="ServiceSwitchMode.Forward"/> it forwards every request to the real service (or, with
/// no upstream, gives its healthy answer); otherwise it stops answering, answers something that is not what the
/// client expects, or fails with 503.
/// </summary>
public sealed class ServiceSwitch : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient? _upstream;
    private readonly string[] _forwardedHeaders;
    private readonly string _healthyAnswer;
    private readonly string _malformedAnswer;
    private int _mode = (int)ServiceSwitchMode.Forward;
    private int _requests;

    private ServiceSwitch(Uri? upstream, string[] forwardedHeaders, string healthyAnswer, string malformedAnswer)
    {
        _upstream = upstream is null ? null : new HttpClient { BaseAddress = upstream };
        _forwardedHeaders = forwardedHeaders;
        _healthyAnswer = healthyAnswer;
        _malformedAnswer = malformedAnswer;
        Address = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(Address.AbsoluteUri);
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    public Uri Address { get; }

    public ServiceSwitchMode Mode
    {
        get => (ServiceSwitchMode)Volatile.Read(ref _mode);
        set => Volatile.Write(ref _mode, (int)value);
    }

    /// <summary>Requests that reached the switch, whatever it answered.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Forwards to <paramref name="upstream"/> (with <paramref name="forwardedHeaders"/>) while healthy.</summary>
    public static Task<ServiceSwitch> ForwardingAsync(Uri upstream, string malformedAnswer, params string[] forwardedHeaders) =>
        StartAsync(new ServiceSwitch(upstream, forwardedHeaders, "", malformedAnswer));

    /// <summary>Answers every request with the JSON <paramref name="healthyAnswer"/> while healthy.</summary>
    public static Task<ServiceSwitch> AnsweringAsync(string healthyAnswer, string malformedAnswer) =>
        StartAsync(new ServiceSwitch(null, [], healthyAnswer, malformedAnswer));

    private static async Task<ServiceSwitch> StartAsync(ServiceSwitch started)
    {
        await started._app.StartAsync();
        return started;
    }

    private async Task HandleAsync(HttpContext http)
    {
        Interlocked.Increment(ref _requests);
        switch (Mode)
        {
            case ServiceSwitchMode.Silent:
                // Holds the request until the client gives up on it.
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                }
                return;
            case ServiceSwitchMode.Malformed:
                await AnswerAsync(http, _malformedAnswer);
                return;
            case ServiceSwitchMode.Failing:
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
        }
        if (_upstream is null)
        {
            await AnswerAsync(http, _healthyAnswer);
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
        foreach (var name in _forwardedHeaders)
        {
            if (http.Request.Headers.TryGetValue(name, out var value))
            {
                forward.Headers.TryAddWithoutValidation(name, value.ToString());
            }
        }
        using var answer = await _upstream.SendAsync(forward);
        http.Response.StatusCode = (int)answer.StatusCode;
        if (answer.Content.Headers.ContentType is { } answerType)
        {
            http.Response.ContentType = answerType.ToString();
        }
        await http.Response.Body.WriteAsync(await answer.Content.ReadAsByteArrayAsync());
    }

    private static Task AnswerAsync(HttpContext http, string json)
    {
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(json);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream?.Dispose();
    }
}

public enum ServiceSwitchMode
{
    Forward,
    Silent,
    Malformed,
    Failing,
}
