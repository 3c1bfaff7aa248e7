using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;

namespace Platform.Consent.Service.Tests;

/// <summary>An exporter that keeps what it is given: the spans an operator's collector would receive.</summary>
internal sealed class SpanRecorder(ConcurrentQueue<Activity> spans) : BaseExporter<Activity>
{
    public override ExportResult Export(in Batch<Activity> batch)
    {
        foreach (var span in batch)
        {
            spans.Enqueue(span);
        }
        return ExportResult.Success;
    }
}
