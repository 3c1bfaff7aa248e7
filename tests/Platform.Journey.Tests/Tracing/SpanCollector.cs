using System.Collections.Concurrent;
using System.Diagnostics;

namespace Platform.Journey.Tests.Tracing;

/// <summary>One finished span, copied when it stopped.</summary>
public sealed record CollectedSpan(
    string Source, string Name, ActivityKind Kind, ActivityTraceId TraceId, ActivitySpanId SpanId, ActivitySpanId ParentSpanId,
    IReadOnlyDictionary<string, object?> Tags)
{
    public string? Tag(string name) => Tags.TryGetValue(name, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    public override string ToString() => $"{Source} '{Name}' {Kind} {SpanId} <- {ParentSpanId} [{string.Join(", ", Tags.Select(t => $"{t.Key}={t.Value}"))}]";
}

/// <summary>
/// Listens to the sources the services trace (their own <c>Platform.*</c> spans, incoming requests, outgoing HTTP
/// calls) in this process, as an in-memory exporter would, and keeps the spans of one trace.
/// </summary>
public sealed class SpanCollector : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<CollectedSpan> _spans = new();

    public SpanCollector(ActivityTraceId traceId)
    {
        TraceId = traceId;
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Platform.", StringComparison.Ordinal)
                                       || source.Name is "Microsoft.AspNetCore" or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == TraceId)
                {
                    _spans.Enqueue(new CollectedSpan(activity.Source.Name, activity.DisplayName, activity.Kind, activity.TraceId,
                        activity.SpanId, activity.ParentSpanId, activity.TagObjects.ToDictionary(t => t.Key, t => t.Value)));
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ActivityTraceId TraceId { get; }

    public IReadOnlyList<CollectedSpan> Spans => _spans.ToArray();

    /// <summary>Whether <paramref name="span"/> is <paramref name="ancestor"/> or below it, following parent ids.</summary>
    public bool Descends(CollectedSpan span, CollectedSpan ancestor)
    {
        var bySpanId = Spans.GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
        for (var current = span; current is not null; current = bySpanId.GetValueOrDefault(current.ParentSpanId))
        {
            if (current.SpanId == ancestor.SpanId)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The spans from <paramref name="span"/> up to the root of the trace, for failure messages.</summary>
    public string Describe() => string.Join(Environment.NewLine, Spans.Select(s => s.ToString()));

    public void Dispose() => _listener.Dispose();
}
