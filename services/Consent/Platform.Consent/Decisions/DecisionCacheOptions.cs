namespace Platform.Consent.Decisions;

/// <summary>
/// <c>Consent:Decisions</c>: how many (patient, grantee) pairs' consents <see cref="DecisionConsentCache"/> keeps.
/// It is used on SQLite only (the dev host), where a commit by any connection is seen before each decision; on
/// PostgreSQL every decision reads the database.
/// </summary>
public sealed class DecisionCacheOptions
{
    public const int MaxCacheEntries = 1_000_000;

    /// <summary>About 1 KB each (the decisions benchmark's working set); 0 turns the cache off.</summary>
    public int CacheEntries { get; set; } = 100_000;

    public bool IsValid => CacheEntries is >= 0 and <= MaxCacheEntries;
}
