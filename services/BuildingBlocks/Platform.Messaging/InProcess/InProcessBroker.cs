using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Platform.Messaging.InProcess;

/// <summary>
/// The embedded host's message broker. It keeps nothing: <see cref="PublishAsync"/> hands the event to one member
/// of every consumer group of the topic and completes only when each group has handled it (its handler's inbox
/// entry is committed) or given it up as poison (dead-letter). Until then the publisher's outbox row stays unsent,
/// so a crash at any moment loses nothing — the outbox publishes the row again after restart and the consumer's
/// inbox drops the repeat. A group that cannot take the event now (its handler asks for a retry more often than
/// <see cref="InProcessBrokerOptions.MaxDeliveryAttempts"/>, or no member joins in time) makes the publish fail,
/// and the outbox retries it with its own, durable backoff.
/// <para>
/// As with Dapr over Redis Streams, each subscribing service is a <b>consumer group</b> (its app-id): replicas of
/// one service share the work and each event reaches each service once; a group stays known while it has no
/// member, so a publish to a restarting service waits for it (or fails and is retried) instead of skipping it.
/// A topic no group was ever declared for has no reader: the event is accepted and goes nowhere.
/// </para>
/// </summary>
public sealed partial class InProcessBroker : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, ConsumerGroup>> _groupsByTopic = new(StringComparer.Ordinal);
    private readonly List<DeadLetter> _deadLetters = [];
    private readonly InProcessBrokerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Polly.ResiliencePipeline<DispatchOutcome> _redelivery;
    private readonly CancellationTokenSource _stopping = new();
    private bool _disposed;

    public InProcessBroker(InProcessBrokerOptions? options = null, TimeProvider? time = null, ILogger<InProcessBroker>? logger = null)
    {
        _options = options ?? new InProcessBrokerOptions();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<InProcessBroker>.Instance;
        _redelivery = InProcessRedelivery.Create(_options, _time);
    }

    public InProcessBrokerOptions Options => _options;

    /// <summary>Every message given up on as poison since start, oldest first.</summary>
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

    /// <summary>
    /// Makes consumer group <paramref name="group"/> known on <paramref name="topic"/> before any member joins, so
    /// that what is published meanwhile waits for it. The dev host declares every service's groups before it starts
    /// any service, which closes the race between one service's outbox and another's subscription.
    /// </summary>
    public void Declare(string topic, string group, string deadLetterTopic)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            GroupLocked(topic, group, deadLetterTopic);
        }
    }

    /// <summary>
    /// Delivers <paramref name="outgoing"/> to every consumer group of its topic; completes once every group has
    /// handled it or dead-lettered it as poison. Throws <see cref="InProcessDeliveryException"/> when a group could not
    /// take it now: the caller (the outbox relay) keeps the event and publishes it again later.
    /// </summary>
    public async Task PublishAsync(OutgoingEvent outgoing, CancellationToken cancellationToken = default)
    {
        ConsumerGroup[] groups;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            groups = _groupsByTopic.TryGetValue(outgoing.Topic, out var byName) ? byName.Values.ToArray() : [];
        }
        if (groups.Length == 0)
        {
            LogNoReader(_logger, outgoing.Topic, outgoing.EventId);
            return;
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        await Task.WhenAll(groups.Select(g => DeliverToGroupAsync(g, outgoing, linked.Token)));
    }

    /// <summary>
    /// Joins consumer group <paramref name="group"/> on <paramref name="topic"/>; dispose the result to leave.
    /// Members of one group take turns; a delivery in progress when its member leaves is cancelled, so its publish
    /// fails and the publisher sends the event again.
    /// </summary>
    public IAsyncDisposable Subscribe(string topic, string group, string deadLetterTopic,
        Func<OutgoingEvent, CancellationToken, Task<DispatchOutcome>> deliver)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return GroupLocked(topic, group, deadLetterTopic).Join(deliver);
        }
    }

    private ConsumerGroup GroupLocked(string topic, string group, string deadLetterTopic)
    {
        var groups = _groupsByTopic.TryGetValue(topic, out var existing) ? existing : _groupsByTopic[topic] = new(StringComparer.Ordinal);
        return groups.TryGetValue(group, out var consumerGroup) ? consumerGroup : groups[group] = new ConsumerGroup(group, deadLetterTopic);
    }

    private async Task DeliverToGroupAsync(ConsumerGroup group, OutgoingEvent outgoing, CancellationToken cancellationToken)
    {
        var attempts = 0;
        var outcome = await _redelivery.ExecuteAsync(async token =>
        {
            attempts++;
            return await DeliverOnceAsync(group, outgoing, token);
        }, cancellationToken);
        switch (outcome)
        {
            case DispatchOutcome.Success or DispatchOutcome.UnknownTopic:
                return;
            case DispatchOutcome.Drop or DispatchOutcome.Malformed:
                await DeadLetterAsync(group, outgoing, outcome.ToString(), attempts);
                return;
            default:
                LogRetriesExhausted(_logger, outgoing.Topic, outgoing.EventId, group.Name, attempts);
                throw new InProcessDeliveryException($"{group.Name} asked to retry {outgoing.Topic} event {outgoing.EventId} {attempts} times.");
        }
    }

    /// <summary>One delivery to the group's next member; a handler that throws asks for a retry.</summary>
    private async Task<DispatchOutcome> DeliverOnceAsync(ConsumerGroup group, OutgoingEvent outgoing, CancellationToken cancellationToken)
    {
        var member = await group.NextMemberAsync(_options.MemberWait, _time, cancellationToken)
            ?? throw new InProcessDeliveryException($"No member of {group.Name} took {outgoing.Topic} within {_options.MemberWait}.");
        DispatchOutcome outcome;
        try
        {
            using var delivery = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, member.Leaving);
            outcome = await member.Deliver(outgoing, delivery.Token);
        }
        catch (OperationCanceledException) when (member.Leaving.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new InProcessDeliveryException($"{group.Name} left while handling {outgoing.Topic} event {outgoing.EventId}.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogDeliveryThrew(_logger, outgoing.Topic, group.Name, ex.GetType().Name);
            outcome = DispatchOutcome.Retry;
        }
        return outcome;
    }

    /// <summary>Poison only (Drop, or a payload that is not the contract): redelivering the same bytes cannot help.</summary>
    private async Task DeadLetterAsync(ConsumerGroup group, OutgoingEvent outgoing, string reason, int attempts)
    {
        LogDeadLettered(_logger, outgoing.Topic, outgoing.EventId, group.Name, reason, attempts);
        lock (_gate)
        {
            _deadLetters.Add(new DeadLetter(outgoing, group.Name, reason, attempts, _time.GetUtcNow()));
        }
        try
        {
            await PublishAsync(outgoing with { Topic = group.DeadLetterTopic }, _stopping.Token);
        }
        catch (Exception ex) when (ex is InProcessDeliveryException or OperationCanceledException)
        {
            // The dead letter is recorded and logged above; a dead-letter reader that is away does not make the original retry.
            LogDeadLetterUndelivered(_logger, group.DeadLetterTopic, outgoing.EventId, ex.GetType().Name);
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        await _stopping.CancelAsync();
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering {Topic} to {Group} threw {ErrorType}; will retry")]
    private static partial void LogDeliveryThrew(ILogger logger, string topic, string group, string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Group} asked to retry {Topic} event {EventId} {Attempts} times; the publisher's outbox will send it again")]
    private static partial void LogRetriesExhausted(ILogger logger, string topic, Guid eventId, string group, int attempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Topic} event {EventId} moved to dead-letter for {Group}: {Reason} after {Attempts} attempt(s)")]
    private static partial void LogDeadLettered(ILogger logger, string topic, Guid eventId, string group, string reason, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead letter {EventId} could not be delivered on {Topic} ({ErrorType}); it stays in the broker's dead-letter list")]
    private static partial void LogDeadLetterUndelivered(ILogger logger, string topic, Guid eventId, string errorType);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No service subscribes to {Topic}; event {EventId} has no reader")]
    private static partial void LogNoReader(ILogger logger, string topic, Guid eventId);
}
