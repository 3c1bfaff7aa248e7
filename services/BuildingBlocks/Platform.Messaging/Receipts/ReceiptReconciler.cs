using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Messaging.Outbox;

namespace Platform.Messaging.Receipts;

/// <summary>
/// The safety net behind the event path: shortly after start and then every <c>Receipts:Interval</c>, asks the
/// ledger for the receipt of every signed event this service has held without one for longer than
/// <c>Receipts:MinAge</c>. A ready receipt is stored; a pending one is left for the next checkpoint; an event the
/// ledger does not have is republished through the outbox (unless this service's outbox still has unsent events of
/// that topic — then the normal path is still working through them). Each kind of row (<see cref="IReceiptHolder"/>)
/// is looked up in turn. Whatever lost an event on the way — a crash, a
/// broker that dead-lettered it after its retries, a <c>ledger.committed</c> that never arrived — this closes it.
/// </summary>
public sealed partial class ReceiptReconciler<TContext>(
    IServiceScopeFactory scopes,
    ReceiptBacklogMonitor monitor,
    IOptions<ReceiptReconcilerOptions> options,
    TimeProvider time,
    ILogger<ReceiptReconciler<TContext>> logger) : BackgroundService where TContext : DbContext
{
    private readonly ReceiptReconcilerOptions _options = options.Value;
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _republished = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Delay(_options.FirstRoundDelay, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogRoundFailed(logger, ex.GetType().Name);
            }
            await Task.Delay(_options.Interval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>One round over every kind of row this service holds. Returns what it did.</summary>
    public async Task<ReconcileReport> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var holders = scope.ServiceProvider.GetServices<IReceiptHolder>().ToList();
        var now = time.GetUtcNow();
        monitor.Update(await ReceiptBacklog.OfAsync(holders, cancellationToken));
        var ledger = scope.ServiceProvider.GetService<LedgerReceiptClient>();
        if (ledger is null)
        {
            return new ReconcileReport(0, 0, 0, 0);
        }
        foreach (var (id, at) in _republished)
        {
            if (now - at > _options.RepublishAfter)
            {
                _republished.TryRemove(id, out _);
            }
        }

        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var total = new ReconcileReport(0, 0, 0, 0);
        foreach (var holder in holders)
        {
            var (report, ledgerAnswered) = await RunOnceAsync(holder, db, ledger, now, cancellationToken);
            total = total with
            {
                Stored = total.Stored + report.Stored,
                Pending = total.Pending + report.Pending,
                Republished = total.Republished + report.Republished,
                NotFoundWaiting = total.NotFoundWaiting + report.NotFoundWaiting,
            };
            if (!ledgerAnswered)
            {
                break;
            }
        }
        return total;
    }

    private async Task<(ReconcileReport Report, bool LedgerAnswered)> RunOnceAsync(
        IReceiptHolder holder, TContext db, LedgerReceiptClient ledger, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var stillSending = await db.Set<OutboxMessage>().AnyAsync(m => m.SentAtUtc == null && m.Topic == holder.Topic, cancellationToken);
        int stored = 0, pending = 0, republished = 0, unknown = 0;
        foreach (var eventId in await holder.AwaitingAsync(now - _options.MinAge, _options.BatchSize, cancellationToken))
        {
            ReceiptAnswer answer;
            try
            {
                answer = await ledger.GetAsync(eventId, cancellationToken);
            }
            catch (HttpRequestException)
            {
                answer = new ReceiptAnswer(ReceiptAnswerKind.Unavailable, null, null);
            }
            switch (answer.Kind)
            {
                case ReceiptAnswerKind.Ready:
                    if (await holder.StoreReceiptAsync(eventId, answer.LeafIndex!.Value, answer.Receipt!, cancellationToken))
                    {
                        stored++;
                    }
                    break;
                case ReceiptAnswerKind.Pending:
                    pending++;
                    break;
                case ReceiptAnswerKind.NotFound when !stillSending && _republished.TryAdd(eventId, now):
                    await holder.RepublishAsync(eventId, cancellationToken);
                    republished++;
                    break;
                case ReceiptAnswerKind.NotFound:
                    unknown++;
                    break;
                default:
                    LogLedgerUnavailable(logger);
                    return (Report(holder, stored, pending, republished, unknown), false);
            }
        }
        return (Report(holder, stored, pending, republished, unknown), true);
    }

    private ReconcileReport Report(IReceiptHolder holder, int stored, int pending, int republished, int unknown)
    {
        if (stored + republished > 0)
        {
            LogReconciled(logger, holder.Topic, stored, republished, pending);
        }
        return new ReconcileReport(stored, pending, republished, unknown);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receipt reconciliation ({Topic}): stored {Stored} receipt(s) the event path had not delivered, republished {Republished} event(s) the ledger never received; {Pending} await a checkpoint")]
    private static partial void LogReconciled(ILogger logger, string topic, int stored, int republished, int pending);

    [LoggerMessage(Level = LogLevel.Information, Message = "Receipt reconciliation stopped early: the ledger did not answer; next round tries again")]
    private static partial void LogLedgerUnavailable(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Receipt reconciliation round failed ({ErrorType}); will retry")]
    private static partial void LogRoundFailed(ILogger logger, string errorType);
}

/// <summary>What one reconciliation round did.</summary>
/// <param name="Stored">Receipts fetched from the ledger and stored.</param>
/// <param name="Pending">Events in the log waiting for a checkpoint.</param>
/// <param name="Republished">Events the ledger did not have, sent again.</param>
/// <param name="NotFoundWaiting">Events the ledger does not have yet, not republished (the outbox still sends, or republished recently).</param>
public sealed record ReconcileReport(int Stored, int Pending, int Republished, int NotFoundWaiting);
