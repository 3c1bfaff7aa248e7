using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.Identity.Logout;

/// <summary>
/// Posts logout tokens to the clients' back-channel logout URIs (OpenID Connect Back-Channel Logout 1.0 §2.5) in the
/// background: each POST has <see cref="AttemptTimeout"/>, a failed one (no answer, 5xx, 429) is tried again after
/// 1, 4 and 16 s, so a client that is restarting still hears of the logout, and a client that never answers costs
/// at most about 45 s of one worker. A 4xx other than 429 is the client refusing that token: trying again would not
/// change its mind. Redirects are not followed (the URI is registered; the token goes nowhere else).
/// Deliveries live in memory: a restart of this replica in those seconds loses the ones still queued (docs/identity.md).
/// </summary>
public sealed partial class BackchannelLogoutDelivery(IHttpClientFactory clients, ILogger<BackchannelLogoutDelivery> logger) : BackgroundService
{
    public const string HttpClientName = "backchannel-logout";
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(16)];

    // Bounded so a flood of logouts cannot grow memory without end; a full queue refuses (logged) rather than blocks a logout.
    private readonly Channel<LogoutDelivery> _queue = Channel.CreateBounded<LogoutDelivery>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _concurrency = new(16);

    /// <summary>Queues the delivery; never waits for it.</summary>
    public void Enqueue(LogoutDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        if (!_queue.Writer.TryWrite(delivery))
        {
            LogQueueFull(logger, delivery.ClientId);
            delivery.FirstAttempt.TrySetResult();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var delivery in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await _concurrency.WaitAsync(stoppingToken);
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await DeliverAsync(delivery, stoppingToken);
                    }
                    finally
                    {
                        delivery.FirstAttempt.TrySetResult();
                        _concurrency.Release();
                    }
                }, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task DeliverAsync(LogoutDelivery delivery, CancellationToken stoppingToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var outcome = await PostAsync(delivery, stoppingToken);
            delivery.FirstAttempt.TrySetResult();
            if (outcome is { } status && ((int)status < 400 || ((int)status < 500 && status != HttpStatusCode.TooManyRequests)))
            {
                if ((int)status >= 400)
                {
                    LogRefused(logger, delivery.ClientId, (int)status);
                }
                return;
            }
            if (attempt >= RetryDelays.Length || stoppingToken.IsCancellationRequested)
            {
                LogGaveUp(logger, delivery.ClientId, attempt + 1);
                return;
            }
            await Task.Delay(RetryDelays[attempt], stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>The status the client answered, or null when it did not answer in time.</summary>
    private async Task<HttpStatusCode?> PostAsync(LogoutDelivery delivery, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(AttemptTimeout);
        try
        {
            using var content = new FormUrlEncodedContent([new KeyValuePair<string, string>("logout_token", delivery.LogoutToken)]);
            using var response = await clients.CreateClient(HttpClientName).PostAsync(delivery.LogoutUri, content, timeout.Token);
            return response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return null;
        }
    }

    // The client id names where it went; the token, subject and session never reach the log.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Back-channel logout to client {ClientId} refused with status {Status}.")]
    private static partial void LogRefused(ILogger logger, string clientId, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Back-channel logout to client {ClientId} not delivered after {Attempts} attempts.")]
    private static partial void LogGaveUp(ILogger logger, string clientId, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "Back-channel logout queue full: the logout for client {ClientId} is not sent.")]
    private static partial void LogQueueFull(ILogger logger, string clientId);
}
