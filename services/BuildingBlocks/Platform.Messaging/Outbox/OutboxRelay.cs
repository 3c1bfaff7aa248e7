using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.Messaging.Outbox;

/// <summary>
/// Publishes outbox messages, oldest first, and marks each sent once the transport has taken responsibility for it
/// (<see cref="IEventBus.PublishAsync"/> returned). A publish that fails is retried with exponential backoff; the
/// relay never gives up on a message. Delivery is at-least-once: if the process dies after a publish and before the
/// mark, the message is published again and the consumer's inbox drops the repeat.
/// <para>
/// Up to <see cref="IEventBus.MaxConcurrentPublishes"/> publishes are in flight at once (pipelined): one for Dapr
/// (the broker keeps the outbox's order), more in process, where a publish lasts until the consumers have handled
/// the event. Publishes that completed are marked sent together, one UPDATE per round for all of them, so a busy
/// outbox costs one statement per round rather than one per message. A row stays in flight until its mark is saved,
/// so it is not sent twice at once; which rows are in flight is only remembered for that, and losing that memory in a
/// crash costs nothing but a repeat.
/// </para>
/// <para>
/// The relay looks for due rows when a writer wakes it (<see cref="OutboxWakeup"/>), when its last look filled the room
/// it had, and at least every <see cref="OutboxOptions.PollInterval"/>; a round woken only because a publish finished
/// saves the marks without looking (issue 18). A writer that does not wake the relay therefore waits at most one poll
/// interval, busy relay or not, as it would on an idle one.
/// </para>
/// </summary>
public sealed partial class OutboxRelay<TContext>(
    IServiceProvider services,
    IEventBus bus,
    IOptions<OutboxOptions> options,
    TimeProvider time,
    ILogger<OutboxRelay<TContext>> logger,
    OutboxWakeup? wakeup = null) : BackgroundService where TContext : DbContext
{
    private static readonly TimeSpan CleanupInterval = TimeSpan.FromMinutes(1);

    /// <summary>Most rows one mark statement names (keeps the IN list and its parameters small).</summary>
    private const int MaxMarksPerStatement = 1000;

    private readonly OutboxOptions _options = options.Value;
    private readonly ConcurrentDictionary<long, bool> _inFlight = new();
    private readonly ConcurrentQueue<long> _published = new();
    private readonly OutboxWakeup _publishDone = new();
    private DateTimeOffset _lastCleanup = DateTimeOffset.MinValue;

    private int Window => Math.Max(1, bus.MaxConcurrentPublishes);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Whether rows may be due that this relay has not seen: true until a query found fewer than it had room for,
        // and again when a writer wakes the relay, the poll interval passes, or a query could not run.
        var mayHaveDue = true;
        Task? wokenSinceQuery = null;
        var lastQuery = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before looking for rows: a writer (or a publish) that signals after this round's query is not missed.
            var woken = wakeup?.Next;
            var progress = _publishDone.Next;
            var started = 0;
            var room = 0;
            try
            {
                await MarkPublishedAsync(stoppingToken);
                room = Math.Min(Window - _inFlight.Count, _options.BatchSize);
                if (room > 0 && (mayHaveDue || wakeup is null || wokenSinceQuery?.IsCompleted != false
                    || time.GetUtcNow() - lastQuery >= _options.PollInterval))
                {
                    // Issue 18: a round woken only by a finished publish no longer queries: with writers waking the
                    // relay, nothing new can be due, and a busy relay ran one query per published event.
                    mayHaveDue = true;
                    wokenSinceQuery = woken;
                    lastQuery = time.GetUtcNow();
                    started = await StartDueAsync(room, stoppingToken);
                    mayHaveDue = started == room;
                    await DeleteExpiredAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The database itself is unavailable; readiness reports it. Try again next round.
                LogRoundFailed(logger, ex.GetType().Name);
            }
            if (room > 0 && started == room && _inFlight.Count < Window)
            {
                continue; // more may be due right now
            }
            // Wake when a publish finishes (a mark to save, room for the next) or, with room left, after the poll
            // interval or when a writer says it added rows (OutboxWakeup).
            var wake = new List<Task>(3) { progress };
            if (_inFlight.Count < Window)
            {
                wake.Add(Task.Delay(_options.PollInterval, time, stoppingToken));
                if (woken is not null)
                {
                    wake.Add(woken);
                }
            }
            await ((Task)Task.WhenAny(wake)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        // Stopping: wait for the publishes still running (they end on the stopping token), then save the last marks,
        // so a clean stop does not publish them again at the next start.
        while (_inFlight.Count > _published.Count)
        {
            await ((Task)Task.WhenAny(_publishDone.Next, Task.Delay(50, CancellationToken.None))).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        try
        {
            await MarkPublishedAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRoundFailed(logger, ex.GetType().Name);
        }
    }

    /// <summary>Marks every publish that completed since the last round sent, in one statement, and frees their slots.</summary>
    private async Task MarkPublishedAsync(CancellationToken cancellationToken)
    {
        var sequences = new List<long>();
        while (sequences.Count < MaxMarksPerStatement && _published.TryDequeue(out var sequence))
        {
            sequences.Add(sequence);
        }
        if (sequences.Count == 0)
        {
            return;
        }
        try
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TContext>();
            var now = time.GetUtcNow().UtcDateTime;
            await db.Set<OutboxMessage>().Where(m => sequences.Contains(m.Sequence))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.SentAtUtc, now).SetProperty(m => m.LastError, (string?)null), cancellationToken);
        }
        catch
        {
            // Still in flight (so not sent again meanwhile); the marks are tried again next round.
            foreach (var sequence in sequences)
            {
                _published.Enqueue(sequence);
            }
            throw;
        }
        foreach (var sequence in sequences)
        {
            _inFlight.TryRemove(sequence, out _);
        }
    }

    /// <summary>Starts publishing up to <paramref name="room"/> due messages that are not already in flight.</summary>
    private async Task<int> StartDueAsync(int room, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var now = time.GetUtcNow().UtcDateTime;
        var due = await DueRowsAsync(db, now, _inFlight.Keys.ToList(), room, cancellationToken);
        foreach (var message in due)
        {
            // In the set before the publish starts; out of it once its outcome is saved (MarkPublishedAsync, MarkFailedAsync).
            _inFlight[message.Sequence] = true;
            _ = Task.Run(async () =>
            {
                try
                {
                    await PublishAsync(message, cancellationToken);
                }
                finally
                {
                    _publishDone.Wake();
                }
            }, CancellationToken.None);
        }
        return due.Count;
    }

    /// <summary>
    /// The oldest <paramref name="room"/> unsent rows due at <paramref name="now"/> and not in <paramref name="busy"/>.
    /// <para>
    /// On PostgreSQL the query runs with bitmap scans off, in a transaction of its own (issue 18). Rows are inserted
    /// unsent and marked sent moments later, so until vacuum the unsent index still holds an entry for every dead row
    /// version. A bitmap scan, which the planner prefers for the few rows it expects, visits all of them on every look
    /// (measured: 12,000–18,000 entries and 45–108 ms per look during a vault benchmark row); a plain scan of the index
    /// in Sequence order stops at the limit and marks the dead entries it meets, so later looks skip them.
    /// </para>
    /// </summary>
    internal static async Task<List<OutboxMessage>> DueRowsAsync(DbContext db, DateTime now, IReadOnlyCollection<long> busy, int room, CancellationToken cancellationToken)
    {
        var query = db.Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.SentAtUtc == null && m.NextAttemptAtUtc <= now && !busy.Contains(m.Sequence))
            .OrderBy(m => m.Sequence)
            .Take(room);
        if (!db.Database.IsNpgsql())
        {
            return await query.ToListAsync(cancellationToken);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_bitmapscan = off", cancellationToken);
        var due = await query.ToListAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return due;
    }

    private async Task PublishAsync(OutboxMessage message, CancellationToken stoppingToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(_options.PublishTimeout);
            try
            {
                await bus.PublishAsync(new OutgoingEvent(message.Topic, message.EventId, message.Payload, message.Source, message.TraceParent), timeout.Token);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                await MarkFailedAsync(message, ex.GetType().Name, stoppingToken);
                _inFlight.TryRemove(message.Sequence, out _);
                return;
            }
            // Marked sent together with the others that completed, at the relay's next round.
            _published.Enqueue(message.Sequence);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Not marked: the row is published again, and the consumer's inbox drops the repeat.
            _inFlight.TryRemove(message.Sequence, out _);
            LogMarkFailed(logger, message.Topic, message.EventId, ex.GetType().Name);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the row stays unsent and is published after the next start.
            _inFlight.TryRemove(message.Sequence, out _);
        }
    }

    private async Task MarkFailedAsync(OutboxMessage message, string errorType, CancellationToken cancellationToken)
    {
        var attempts = message.Attempts + 1;
        var next = time.GetUtcNow().UtcDateTime + _options.RetryDelayFor(attempts);
        LogPublishFailed(logger, message.Topic, message.EventId, attempts, errorType);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        await db.Set<OutboxMessage>().Where(m => m.Sequence == message.Sequence)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, attempts)
                .SetProperty(m => m.LastError, errorType)
                .SetProperty(m => m.NextAttemptAtUtc, next), cancellationToken);
    }

    private async Task DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now - _lastCleanup < CleanupInterval)
        {
            return;
        }
        _lastCleanup = now;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var cutoff = now.UtcDateTime - _options.SentRetention;
        await db.Set<OutboxMessage>().Where(m => m.SentAtUtc != null && m.SentAtUtc < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Topic} event {EventId} failed (attempt {Attempts}, {ErrorType}); will retry")]
    private static partial void LogPublishFailed(ILogger logger, string topic, Guid eventId, int attempts, string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording the outcome of {Topic} event {EventId} failed ({ErrorType}); it will be published again")]
    private static partial void LogMarkFailed(ILogger logger, string topic, Guid eventId, string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox round failed ({ErrorType}); will retry")]
    private static partial void LogRoundFailed(ILogger logger, string errorType);
}
