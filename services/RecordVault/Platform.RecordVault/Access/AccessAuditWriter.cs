using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Messaging.Outbox;
using Platform.RecordVault.Data;

namespace Platform.RecordVault.Access;

/// <summary>
/// Group commit of the audits of permitted reads: one writer takes every read's signed access that is waiting and
/// saves their access-log rows and outbox messages in one transaction, then releases those reads. A read waits for
/// <see cref="WriteAsync"/> before its content leaves, so an answered read is always audited and a failed commit
/// fails the reads in it (nothing answered, nothing lost). While one commit runs, the next group gathers, so under
/// load one transaction carries many reads and the cost of a commit is shared; alone, a read waits for no one.
/// </summary>
public sealed partial class AccessAuditWriter(IServiceScopeFactory scopes, ILogger<AccessAuditWriter> logger, OutboxWakeup? wakeup = null) : BackgroundService
{
    /// <summary>Most reads in one transaction (bounded, so one commit's latency stays small).</summary>
    public const int MaxGroup = 256;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Completes when <paramref name="access"/> is committed; throws when it could not be (the read must then not answer).</summary>
    public Task WriteAsync(SignedAccess access)
    {
        ArgumentNullException.ThrowIfNull(access);
        var pending = new Pending(access, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The access audit writer has stopped; no read is answered without its audit.");
        }
        return pending.Committed.Task;
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        // No new reads; the ones already queued are still committed (the loop runs until the queue is empty).
        _queue.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        var group = new List<Pending>(MaxGroup);
        // Not stoppingToken: reads already waiting are committed (or failed) before the writer ends, never abandoned.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (group.Count < MaxGroup && reader.TryRead(out var pending))
            {
                group.Add(pending);
            }
            await CommitAsync(group);
            group.Clear();
        }
    }

    private async Task CommitAsync(List<Pending> group)
    {
        try
        {
            await SaveAsync(group);
            Release(group, null);
        }
        catch (Exception ex) when (group.Count > 1)
        {
            // One bad row must not fail the others: each is tried on its own.
            LogGroupFailed(logger, group.Count, ex.GetType().Name);
            foreach (var pending in group)
            {
                await CommitAsync([pending]);
            }
            return;
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex.GetType().Name);
            Release(group, ex);
            return;
        }
        wakeup?.Wake();
    }

    private async Task SaveAsync(List<Pending> group)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        foreach (var pending in group)
        {
            pending.Access.AddTo(db);
        }
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private static void Release(List<Pending> group, Exception? failure)
    {
        foreach (var pending in group)
        {
            if (failure is null)
            {
                pending.Committed.TrySetResult();
            }
            else
            {
                pending.Committed.TrySetException(failure);
            }
        }
    }

    private sealed record Pending(SignedAccess Access, TaskCompletionSource Committed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Committing a group of {Count} read audits failed ({ErrorType}); committing them one by one")]
    private static partial void LogGroupFailed(ILogger logger, int count, string errorType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Committing a read's audit failed ({ErrorType}); the read is not answered")]
    private static partial void LogFailed(ILogger logger, string errorType);
}
