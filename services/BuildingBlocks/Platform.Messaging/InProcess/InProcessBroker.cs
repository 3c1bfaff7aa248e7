using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Platform.Messaging.InProcess;

/// <summary>
/// The embedded host's message broker: topics, one queue per subscriber, retries with backoff, and dead-letter
/// topics, with the same SUCCESS / RETRY / DROP meaning as Dapr. One instance can be shared by several services
/// in one process. Messages live in memory: the outbox, not the broker, is what makes publication durable.
/// </summary>
public sealed partial class InProcessBroker : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, ImmutableSubscribers> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<DeadLetter> _deadLetters = new();
    private readonly InProcessBrokerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();

    public InProcessBroker(InProcessBrokerOptions? options = null, TimeProvider? time = null, ILogger<InProcessBroker>? logger = null)
    {
        _options = options ?? new InProcessBrokerOptions();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<InProcessBroker>.Instance;
    }

    /// <summary>Every message given up on since start, oldest first.</summary>
    public IReadOnlyCollection<DeadLetter> DeadLetters => _deadLetters.ToArray();

    public ValueTask PublishAsync(OutgoingEvent outgoing)
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        if (_topics.TryGetValue(outgoing.Topic, out var subscribers))
        {
            foreach (var subscriber in subscribers.Items)
            {
                subscriber.Queue.Writer.TryWrite(outgoing);
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Subscribes a consumer; dispose the result to unsubscribe (pending messages are abandoned).</summary>
    public IAsyncDisposable Subscribe(string topic, string subscriberName, string deadLetterTopic,
        Func<OutgoingEvent, CancellationToken, Task<DispatchOutcome>> deliver)
    {
        var subscriber = new Subscriber(topic, subscriberName, deadLetterTopic, deliver, this);
        _topics.AddOrUpdate(topic, _ => new ImmutableSubscribers([subscriber]), (_, s) => new ImmutableSubscribers([.. s.Items, subscriber]));
        subscriber.Start(_stopping.Token);
        return subscriber;
    }

    private void Remove(Subscriber subscriber) =>
        _topics.AddOrUpdate(subscriber.Topic, _ => new ImmutableSubscribers([]),
            (_, s) => new ImmutableSubscribers([.. s.Items.Where(x => x != subscriber)]));

    private async Task DeliverAsync(Subscriber subscriber, OutgoingEvent outgoing, CancellationToken stopping)
    {
        for (var attempt = 1; ; attempt++)
        {
            DispatchOutcome outcome;
            try
            {
                outcome = await subscriber.Deliver(outgoing, stopping);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                LogDeliveryThrew(_logger, outgoing.Topic, subscriber.Name, ex.GetType().Name);
                outcome = DispatchOutcome.Retry;
            }

            switch (outcome)
            {
                case DispatchOutcome.Success:
                case DispatchOutcome.UnknownTopic:
                    return;
                case DispatchOutcome.Drop or DispatchOutcome.Malformed:
                    await DeadLetterAsync(subscriber, outgoing, outcome.ToString(), attempt);
                    return;
                case DispatchOutcome.Retry when attempt >= _options.MaxDeliveryAttempts:
                    await DeadLetterAsync(subscriber, outgoing, "RetriesExhausted", attempt);
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

    private async ValueTask DeadLetterAsync(Subscriber subscriber, OutgoingEvent outgoing, string reason, int attempts)
    {
        LogDeadLettered(_logger, outgoing.Topic, outgoing.EventId, subscriber.Name, reason, attempts);
        _deadLetters.Enqueue(new DeadLetter(outgoing, subscriber.Name, reason, attempts, _time.GetUtcNow()));
        await PublishAsync(outgoing with { Topic = subscriber.DeadLetterTopic });
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }
        await _stopping.CancelAsync();
        foreach (var subscriber in _topics.Values.SelectMany(s => s.Items))
        {
            await subscriber.DisposeAsync();
        }
        _stopping.Dispose();
    }

    private sealed record ImmutableSubscribers(Subscriber[] Items);

    private sealed class Subscriber(string topic, string name, string deadLetterTopic,
        Func<OutgoingEvent, CancellationToken, Task<DispatchOutcome>> deliver, InProcessBroker broker) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _cancel = new();
        private Task _loop = Task.CompletedTask;

        public string Topic { get; } = topic;
        public string Name { get; } = name;
        public string DeadLetterTopic { get; } = deadLetterTopic;
        public Func<OutgoingEvent, CancellationToken, Task<DispatchOutcome>> Deliver { get; } = deliver;
        public Channel<OutgoingEvent> Queue { get; } = Channel.CreateUnbounded<OutgoingEvent>(new UnboundedChannelOptions { SingleReader = true });

        public void Start(CancellationToken brokerStopping)
        {
            var linked = CancellationTokenSource.CreateLinkedTokenSource(brokerStopping, _cancel.Token);
            _loop = Task.Run(async () =>
            {
                try
                {
                    await foreach (var message in Queue.Reader.ReadAllAsync(linked.Token))
                    {
                        await broker.DeliverAsync(this, message, linked.Token);
                    }
                }
                catch (OperationCanceledException)
                {
                    // stopping
                }
                finally
                {
                    linked.Dispose();
                }
            });
        }

        public async ValueTask DisposeAsync()
        {
            broker.Remove(this);
            Queue.Writer.TryComplete();
            await _cancel.CancelAsync();
            await _loop;
            _cancel.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering {Topic} to {Subscriber} threw {ErrorType}; will retry")]
    private static partial void LogDeliveryThrew(ILogger logger, string topic, string subscriber, string errorType);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Topic} event {EventId} moved to dead-letter for {Subscriber}: {Reason} after {Attempts} attempt(s)")]
    private static partial void LogDeadLettered(ILogger logger, string topic, Guid eventId, string subscriber, string reason, int attempts);
}
