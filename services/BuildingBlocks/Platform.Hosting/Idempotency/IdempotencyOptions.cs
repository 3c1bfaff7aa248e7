namespace Platform.Hosting.Idempotency;

/// <summary>Configuration section <c>Idempotency</c>; the published policy is in docs/idempotency.md.</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    /// <summary>How long a key is remembered after its first use; a retry after that is a new request.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a claimed key counts as in flight (409). A claim still uncompleted after this was left by a process
    /// that died (its effect, in the same transaction as the answer, was never committed), so a retry takes it over.
    /// </summary>
    public TimeSpan InFlightLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often expired keys are deleted.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Response headers stored and replayed with the answer (the body and status always are).</summary>
    public IList<string> ReplayedHeaders { get; } =
        ["Location", "Content-Location", "ETag", "Last-Modified", "Content-Type", "Cache-Control", "X-Record-Version", "X-Record-Hash"];
}
