namespace Platform.Messaging.Receipts;

/// <summary>Receipt reconciliation settings (<c>Receipts:*</c>).</summary>
public sealed class ReceiptReconcilerOptions
{
    /// <summary>The ledger's API (any replica). Without it the backlog is still measured, but nothing is looked up.</summary>
    public Uri? LedgerUrl { get; set; }

    /// <summary>How often a round runs; the first runs shortly after start (a restart is when events are most likely stranded).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan FirstRoundDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Rows younger than this are left to the normal path (the receipt usually arrives within seconds).</summary>
    public TimeSpan MinAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A signed event republished is not republished again before this (the first republish is still on its way).</summary>
    public TimeSpan RepublishAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Rows looked up per round (the ledger's read API is rate limited).</summary>
    public int BatchSize { get; set; } = 200;

    /// <summary>Readiness reports Degraded when the oldest row has waited longer than this.</summary>
    public TimeSpan DegradedAfter { get; set; } = TimeSpan.FromMinutes(5);
}
