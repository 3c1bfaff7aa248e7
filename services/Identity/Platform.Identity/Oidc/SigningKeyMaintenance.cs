using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.Identity.Oidc;

/// <summary>
/// Loads the signing key ring at start, rotates it on schedule (<c>Identity:SigningKeys:RotateEvery</c>), and
/// re-reads it regularly so a rotation made by one replica (or the admin API) reaches every replica (the ring itself
/// re-reads it when a staged generation is due to start signing).
/// </summary>
public sealed partial class SigningKeyMaintenance(
    SigningKeyRing ring, IOptions<SigningKeyOptions> options, TimeProvider time, ILogger<SigningKeyMaintenance> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ring.RefreshAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.RefreshEvery, time, stopping).ConfigureAwait(false);
                if (await ring.NewestSigningSinceAsync(stopping).ConfigureAwait(false) is { } since && time.GetUtcNow() - since >= options.Value.RotateEvery)
                {
                    var rotation = await ring.RotateAsync(immediate: false, stopping).ConfigureAwait(false);
                    LogRotated(logger, rotation.Generation, rotation.ActivatesAt);
                }
                await ring.RefreshAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogRefreshFailed(logger, ex);
            }
        }
    }

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Token-signing key rotated on schedule; generation {Generation} is published and signs from {ActivatesAt:O}")]
    private static partial void LogRotated(ILogger logger, int generation, DateTimeOffset activatesAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing the token-signing key ring failed; the previous ring stays in use")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
