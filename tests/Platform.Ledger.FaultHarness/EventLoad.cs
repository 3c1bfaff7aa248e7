using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Ledger.FaultHarness;

/// <summary>
/// Continuous, bounded write load: a few writers, each submitting one fresh event at a time to the running replicas
/// in turn (followers forward to the leader by name), at most <see cref="RatePerWriter"/> per second. Every answer is
/// recorded; only a 201 counts as acknowledged. An event without a 201 is never resubmitted: its outcome is unknown,
/// so it may or may not be in the log, but never twice.
/// </summary>
public sealed class EventLoad(FaultCluster cluster, int writers = 2) : IAsyncDisposable
{
    public const int RatePerWriter = 25;

    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<Task> _running = [];
    private long _lastAcknowledgedTicks = -1;

    /// <summary>Event id → leaf index of every acknowledged (201) event.</summary>
    public ConcurrentDictionary<Guid, long> Acknowledged { get; } = new();

    /// <summary>Every event ever submitted, by its signed form (to recognise entries when reading logs back).</summary>
    public ConcurrentDictionary<string, Guid> Submitted { get; } = new();

    /// <summary>503 answers that were problem+json with code quorum_unavailable and a Retry-After header.</summary>
    public long WellFormedQuorumRefusals => Interlocked.Read(ref _wellFormedRefusals);

    /// <summary>Acknowledgements (201) per replica the request was sent to.</summary>
    public ConcurrentDictionary<string, int> AcknowledgedBy { get; } = new();

    /// <summary>Well-formed 503 quorum_unavailable answers per replica the request was sent to.</summary>
    public ConcurrentDictionary<string, int> RefusedBy { get; } = new();

    /// <summary>When the latest 201 from each replica arrived (on this load's clock).</summary>
    public ConcurrentDictionary<string, TimeSpan> LastAcknowledgedAtBy { get; } = new();

    /// <summary>Answers that were neither 201 nor a well-formed 503 (connection errors to a killed replica excluded).</summary>
    public ConcurrentQueue<string> UnexpectedAnswers { get; } = new();

    private long _wellFormedRefusals;

    public TimeSpan Now => _clock.Elapsed;

    /// <summary>When the latest 201 arrived (on this load's clock), or null before the first.</summary>
    public TimeSpan? LastAcknowledgedAt => Interlocked.Read(ref _lastAcknowledgedTicks) is var t and >= 0 ? TimeSpan.FromTicks(t) : null;

    public void Start()
    {
        for (var w = 0; w < writers; w++)
        {
            var writer = w;
            _running.Add(Task.Run(() => WriteAsync(writer, _stop.Token)));
        }
    }

    /// <summary>
    /// Waits for the first acknowledgement after <paramref name="since"/> (from one of <paramref name="by"/> when
    /// given); returns how long after it that came.
    /// </summary>
    public async Task<TimeSpan> WaitForAcknowledgementAfterAsync(TimeSpan since, TimeSpan timeout, IReadOnlyCollection<string>? by = null)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            var latest = by is null ? LastAcknowledgedAt : by.Select(n => LastAcknowledgedAtBy.TryGetValue(n, out var t) ? t : (TimeSpan?)null).Max();
            if (latest is { } at && at > since)
                return at - since;
            await Task.Delay(10);
        }
        throw new TimeoutException($"No write was acknowledged within {timeout.TotalSeconds:F0} s.\n{cluster.Diagnostics()}");
    }

    private async Task WriteAsync(int writer, CancellationToken ct)
    {
        var pace = TimeSpan.FromSeconds(1.0 / RatePerWriter);
        var turn = writer;
        while (!ct.IsCancellationRequested)
        {
            var started = _clock.Elapsed;
            var targets = cluster.RunningMembers;
            if (targets.Count > 0)
            {
                var target = targets[turn++ % targets.Count];
                var (eventId, jws) = await cluster.Events.NextAsync();
                Submitted[jws] = eventId;
                await SubmitAsync(target, eventId, jws);
            }
            var rest = pace - (_clock.Elapsed - started);
            if (rest > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(rest, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task SubmitAsync(ReplicaProcess target, Guid eventId, string jws)
    {
        try
        {
            using var response = await cluster.Http.SendAsync(FaultCluster.Submit(target, jws));
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var leafIndex = JsonDocument.Parse(body).RootElement.GetProperty("leafIndex").GetInt64();
                if (!Acknowledged.TryAdd(eventId, leafIndex))
                    UnexpectedAnswers.Enqueue($"event {eventId} acknowledged twice");
                AcknowledgedBy.AddOrUpdate(target.Name, 1, (_, n) => n + 1);
                LastAcknowledgedAtBy[target.Name] = _clock.Elapsed;
                Interlocked.Exchange(ref _lastAcknowledgedTicks, _clock.Elapsed.Ticks);
            }
            else if (response.StatusCode == HttpStatusCode.ServiceUnavailable
                     && response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                     && body.Contains("\"quorum_unavailable\"", StringComparison.Ordinal)
                     && response.Headers.RetryAfter is not null)
            {
                RefusedBy.AddOrUpdate(target.Name, 1, (_, n) => n + 1);
                Interlocked.Increment(ref _wellFormedRefusals);
            }
            else
            {
                UnexpectedAnswers.Enqueue($"{target.Name}: {(int)response.StatusCode} {body}");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // The target was killed under the request, or is down: not an answer. The event's outcome is unknown.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
        _stop.Dispose();
    }
}
