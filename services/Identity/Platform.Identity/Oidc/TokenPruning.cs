using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;

namespace Platform.Identity.Oidc;

/// <summary>
/// Removes expired or revoked tokens and authorizations older than two weeks, and sign-in sessions that expired more
/// than two weeks ago, every hour.
/// </summary>
public sealed partial class TokenPruning(IServiceScopeFactory scopes, TimeProvider time, ILogger<TokenPruning> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    private static readonly TimeSpan KeepFor = TimeSpan.FromDays(14);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
                await PruneOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogPruneFailed(logger, ex);
            }
        }
    }

    /// <summary>One pruning pass; returns how many tokens, authorizations and sign-in sessions were removed.</summary>
    public async Task<(long Tokens, long Authorizations, int Sessions)> PruneOnceAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var threshold = time.GetUtcNow() - KeepFor;
        var tokens = await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().PruneAsync(threshold, cancellationToken).ConfigureAwait(false);
        var authorizations = await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().PruneAsync(threshold, cancellationToken).ConfigureAwait(false);
        var sessions = await scope.ServiceProvider.GetRequiredService<Sessions.SignInSessions>().PruneAsync(cancellationToken).ConfigureAwait(false);
        // Revoked tokens without an entry: their rows matter only until the tokens expire.
        tokens += await scope.ServiceProvider.GetRequiredService<UnstoredTokenRevocations>().PruneAsync(cancellationToken).ConfigureAwait(false);
        LogPruned(logger, tokens, authorizations, sessions);
        return (tokens, authorizations, sessions);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Tokens} tokens, {Authorizations} authorizations and {Sessions} sign-in sessions")]
    private static partial void LogPruned(ILogger logger, long tokens, long authorizations, int sessions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Token pruning failed; it runs again in an hour")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
