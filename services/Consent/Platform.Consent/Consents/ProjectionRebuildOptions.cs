namespace Platform.Consent.Consents;

/// <summary><c>Consent:Rebuild:*</c>: how long a projection rebuild waits for each read from the ledger.</summary>
public sealed class ProjectionRebuildOptions
{
    public const string Section = "Consent:Rebuild";

    /// <summary>How long one read (the checkpoint, an entry) may take, retries included; past it the rebuild is a 503.</summary>
    public TimeSpan LedgerTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one attempt may take before it is retried (within <see cref="LedgerTimeout"/>).</summary>
    public TimeSpan LedgerAttemptTimeout { get; set; } = TimeSpan.FromSeconds(4);
}
