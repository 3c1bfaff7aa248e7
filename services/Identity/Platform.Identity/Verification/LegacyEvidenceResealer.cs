using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Identity.Data;

namespace Platform.Identity.Verification;

/// <summary>
/// Moves evidence sealed before formats were versioned (<see cref="EvidenceFormat.NewlineJoined"/>) to the current,
/// length-prefixed format, once, a minute after start (the database is migrated by then); a failed pass (HSM down)
/// is retried hourly. Each row is re-encrypted under a new data key only after its old ciphertext authenticated, and
/// saved in its own transaction, so an interrupted pass leaves every row readable. Replicas running it at once both
/// write a valid row; the last one stays.
/// </summary>
public sealed partial class LegacyEvidenceResealer(IServiceScopeFactory scopes, TimeProvider time, ILogger<LegacyEvidenceResealer> logger) : BackgroundService
{
    private static readonly TimeSpan FirstPassDelay = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromHours(1);
    private const int BatchSize = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = FirstPassDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, time, stoppingToken).ConfigureAwait(false);
                await ResealAllAsync(stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogResealFailed(logger, ex);
                delay = RetryInterval;
            }
        }
    }

    /// <summary>Reseals every legacy row; returns how many were moved.</summary>
    /// <remarks>A row whose old ciphertext does not authenticate is left as it is (reading it fails the same way).</remarks>
    public async Task<int> ResealAllAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        var unreadable = new HashSet<Guid>();
        while (true)
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>();
            var cipher = scope.ServiceProvider.GetRequiredService<EvidenceCipher>();
            var rows = await db.KycEvidence.Where(e => e.FormatVersion == EvidenceFormat.NewlineJoined && !unreadable.Contains(e.Id))
                .OrderBy(e => e.Id).Take(BatchSize).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (rows.Count == 0)
            {
                if (total > 0)
                {
                    LogResealed(logger, total);
                }
                return total;
            }
            foreach (var row in rows)
            {
                try
                {
                    await cipher.ResealAsync(row, cancellationToken).ConfigureAwait(false);
                    total++;
                }
                catch (CryptographicException ex)
                {
                    unreadable.Add(row.Id);
                    LogUnreadable(logger, row.Id, ex);
                }
            }
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-encrypted {Count} KYC evidence items from the unversioned format to the current one")]
    private static partial void LogResealed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "KYC evidence {EvidenceId} does not authenticate and stays in the unversioned format")]
    private static partial void LogUnreadable(ILogger logger, Guid evidenceId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-encrypting legacy KYC evidence failed; it runs again in an hour")]
    private static partial void LogResealFailed(ILogger logger, Exception exception);
}
