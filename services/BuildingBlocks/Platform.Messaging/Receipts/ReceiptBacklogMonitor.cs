using System.Diagnostics.Metrics;

namespace Platform.Messaging.Receipts;

/// <summary>
/// The latest measured receipt backlog of this service, exported as gauges (<c>platform.receipts.awaiting</c>,
/// <c>platform.receipts.oldest_age</c>). The reconciler refreshes it every round; readiness measures afresh.
/// </summary>
public sealed class ReceiptBacklogMonitor : IDisposable
{
    private readonly Meter _meter = new(MessagingTelemetry.Name + ".Receipts");
    private readonly TimeProvider _time;
    private volatile ReceiptBacklog _latest = new(0, null);

    public ReceiptBacklogMonitor(TimeProvider time)
    {
        _time = time;
        _meter.CreateObservableGauge("platform.receipts.awaiting", () => _latest.Count, "{event}",
            "Signed events this service holds without a ledger receipt");
        _meter.CreateObservableGauge("platform.receipts.oldest_age", () => _latest.OldestAge(_time.GetUtcNow()).TotalSeconds, "s",
            "How long the oldest signed event without a receipt has waited");
    }

    public ReceiptBacklog Latest => _latest;

    public void Update(ReceiptBacklog backlog) => _latest = backlog;

    public void Dispose() => _meter.Dispose();
}
