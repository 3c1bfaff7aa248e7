using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Platform.Messaging.InProcess;

/// <summary>
/// The embedded host's message broker, with the semantics the deployed services get from Dapr over Redis Streams:
/// each subscribing service is a <b>consumer group</b> (its app-id), so replicas of one service share the work and
/// each event reaches each service once; a group keeps its queue while it has no member (a restarting service
/// misses nothing); events published before anyone subscribed wait for the first group. Delivery retries with
/// backoff and dead-letters with the same SUCCESS / RETRY / DROP meaning as Dapr. Messages live in memory: the
/// outbox, not the broker, is what makes publication durable across process restarts.
/// </summary>
public sealed partial class InProcessBroker : IAsyncDisposable
{
    /// <summary>Most events kept for a topic nobody subscribed to yet; older ones are dropped with a warning.</summary>
    public const int MaxUnroutedPerTopic = 10_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, ConsumerGroup>> _groupsByTopic = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<OutgoingEvent>> _unrouted = new(StringComparer.Ordinal);
    private readonly List<DeadLetter> _deadLetters = [];
    private readonly InProcessBrokerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private bool _disposed;

    public InProcessBroker(InProcessBrokerOptions? options = null, TimeProvider? time = null, ILogger<InProcessBroker>? logger = null)
    {
        _options = options ?? new InProcessBrokerOptions();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<InProcessBroker>.Instance;
    }

    /// <summary>Every message given up on since start, oldest first.</summary>
    public IReadOnlyCollection<DeadLetter> DeadLetters
    {
        get
        {
            lock (_gate)
            {
                return _deadLetters.ToArray();
            }
        }
    }

    public ValueTask PublishAsync(OutgoingEvent outgoing)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_groupsByTopic.TryGetValue(outgoing.Topic, out var groups) && groups.Count > 0)
            {
                foreach (var group in groups.Values)
                {
                    group.Queue.Writer.TryWrite(outgoing);
                }
                return ValueTask.CompletedTask;
            }
            var waiting = _unrouted.TryGetValue(outgoing.Topic, out var queue) ? queue : _unrouted[outgoing.Topic] = new Queue<OutgoingEvent>();
            waiting.Enqueue(outgoing);
            if (waiting.Count > MaxUnroutedPerTopic)
            {
                LogUnroutedDropped(_logger, outgoing.Topic, waiting.Dequeue().EventId);
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Joins consumer group <paramref name="group"/> on <paramref name="topic"/>; dispose the result to leave.
    /// Members of one group compete for its messages; a message being handled when its member leaves goes back to
    /// the group's queue.
    /// </summary>
    public IAsyncDisposable Subscribe(string topic, string group, string deadLetterTopic,
        Func<OutgoingEvent, CancellationToken, Task<DispatchOutcome>> deliver)
    {
        Member member;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var groups = _groupsByTopic.TryGetValue(topic, out var existing) ? existing : _groupsByTopic[topic] = new(StringComparer.Ordinal);
            if (!groups.TryGetValue(group, out var consumerGroup))
            {
                consumerGroup = groups[group] = new ConsumerGroup(group, deadLetterTopic);
                // The first group on a topic receives what was published before anyone listened.
                if (groups.Count == 1 && _unrouted.Remove(topic, out var waiting))
                {
                    foreach (var message in waiting)
                    {
                        consumerGroup.Queue.Writer.TryWrite(message);
                    }
                }
            }
            member = new Member(consumerGroup, deliver, this);
        }
        member.Start(_stopping.Token);
        return member;
    }

    private async Task DeliverAsync(Member member, OutgoingEvent outgoing, CancellationToken stopping)
    {
        for (var attempt = 1; ; attempt++)
        {
            DispatchOutcome outcome;
            try
            {
                outcome = await member.Deliver(outgoing, stopping);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                LogDeliveryThrew(_logger, outgoing.Topic, member.Group.Name, ex.GetType().Name);
                outcome = DispatchOutcome.Retry;
            }

            switch (outcome)
            {
                case DispatchOutcome.Success:
                case DispatchOutcome.UnknownTopic:
                    return;
                case DispatchOutcome.Drop or DispatchOutcome.Malformed:
                    await DeadLetterAsync(member.Group, outgoing, outcome.ToString(), attempt);
                    return;
                case DispatchOutcome.Retry when attempt >= _options.MaxDeliveryAttempts:
                    await DeadLetterAsync(member.Group, outgoing, "RetriesExhausted", attempt);
                    return;
                default:
                    await Task.Delay(RetryDelay(attempt), _time, stopping);
                    break;
            }
        }
    }

    private TimeSpan RetryDelay(int attempt)
    {
        var ms = _options.InitialRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        return TimeSpan.FromMilliseconds(Math.Min(ms, _options.MaxRetryDelay.TotalMilliseconds));
    }

    private async ValueTask DeadLetterAsync(ConsumerGroup group, OutgoingEvent outgoing, string reason, int attempts)
    {
        LogDeadLettered(_logger, outgoing.Topic, outgoing.EventId, group.Name, reason, attempts);
        lock (_gate)
        {
            _deadLetters.Add(new DeadLetter(outgoing, group.Name, reason, attempts, _time.GetUtcNow()));
        }
        await PublishAsync(outgoing with { Topic = group.DeadLetterTopic });
    }

    public async ValueTask DisposeAsync()
    {
        Member[] members;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            members = _groupsByTopic.Values.SelectMany(g => g.Values).SelectMany(g => g.Members).ToArray();
        }
        await _stopping.CancelAsync();
        foreach (var member in members)
        {
            await member.DisposeAsync();
        }
        _stopping.Dispose();
    }

    /// <summary>A subscribing service: one queue shared by its members (replicas).</summary>
    private sealed class ConsumerGroup(string name, string deadLetterTopic)
    {
        public string Name { get; } = name;
        public string DeadLetterTopic { get; } = deadLetterTopic;
        public Channel<OutgoingEvent> Queue { get; } = Channel.CreateUnbounded<OutgoingEvent>();
        public List<Member> Members { get; } = [];
    }

    /// <summary>One replica consuming from its group's queue.</summary>
    private sealed class Member(ConsumerGroup group, Func<OutgoingEvent, CancellationToken, Task<DispatchOutcome>> deliver, InProcessBroker broker)
        : IAsyncDisposable
    {
        private readonly CancellationTokenSource _leave = new();
        private Task _loop = Task.CompletedTask;

        public ConsumerGroup Group { get; } = group;
        public Func<OutgoingEvent, CancellationToken, Task<DispatchOutcome>> Deliver { get; } = deliver;

        public void Start(CancellationToken brokerStopping)
        {
            lock (broker._gate)
            {
                Group.Members.Add(this);
            }
            var linked = CancellationTokenSource.CreateLinkedTokenSource(brokerStopping, _leave.Token);
            _loop = Task.Run(async () =>
            {
                OutgoingEvent? inFlight = null;
                try
                {
                    while (await Group.Queue.Reader.WaitToReadAsync(linked.Token))
                    {
                        while (Group.Queue.Reader.TryRead(out var message))
                        {
                            inFlight = message;
                            await broker.DeliverAsync(this, message, linked.Token);
                            inFlight = null;
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    // Leaving mid-delivery: hand the message back so another member (or this service after a restart) gets it.
                    if (inFlight is not null)
                    {
                        Group.Queue.Writer.TryWrite(inFlight);
                    }
                }
                finally
                {
                    linked.Dispose();
                }
            });
        }

        public async ValueTask DisposeAsync()
        {
            lock (broker._gate)
            {
                Group.Members.Remove(this);
            }
            await _leave.CancelAsync();
            await _loop;
            _leave.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering {Topic} to {Group} threw {ErrorType}; will retry")]
    private static partial void LogDeliveryThrew(ILogger logger, string topic, string group, string errorType);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Topic} event {EventId} moved to dead-letter for {Group}: {Reason} after {Attempts} attempt(s)")]
    private static partial void LogDeadLettered(ILogger logger, string topic, Guid eventId, string group, string reason, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No service subscribed to {Topic} yet; dropped its oldest waiting event {EventId}")]
    private static partial void LogUnroutedDropped(ILogger logger, string topic, Guid eventId);
}
