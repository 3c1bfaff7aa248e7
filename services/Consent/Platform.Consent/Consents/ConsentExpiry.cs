using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Consent.Data;
using Platform.ServiceDefaults;

namespace Platform.Consent.Consents;

/// <summary>
/// Records expiry: active consents whose window has ended become <c>expired</c> (signed, on the ledger,
/// <c>consent.expired</c> published). Decisions never wait for this — an ended window already denies.
/// </summary>
public sealed partial class ConsentExpiry(IServiceScopeFactory scopes, TimeProvider time, ILogger<ConsentExpiry> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ExpireDueAsync(stoppingToken);
                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogExpiryFailed(logger, ex);
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>One pass; returns how many consents were marked expired.</summary>
    public async Task<int> ExpireDueAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var due = await db.Consents.AsNoTracking()
            .Where(c => c.Status == "active" && c.ValidUntilMs != null && c.ValidUntilMs <= now)
            .Select(c => c.Id).Take(500).ToListAsync(cancellationToken);
        var commands = scope.ServiceProvider.GetRequiredService<ConsentCommands>();
        var expired = 0;
        foreach (var id in due)
        {
            try
            {
                await commands.ExpireAsync(id, cancellationToken);
                expired++;
            }
            catch (ProblemException)
            {
                // Revoked or changed meanwhile: nothing to expire.
            }
        }
        return expired;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The consent expiry pass failed; it runs again shortly")]
    private static partial void LogExpiryFailed(ILogger logger, Exception exception);
}
