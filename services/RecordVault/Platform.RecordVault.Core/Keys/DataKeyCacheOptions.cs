namespace Platform.RecordVault.Core;

/// <summary>
/// Bounds of <see cref="DataKeyCache"/>. Both bounds hold at once: at most <see cref="MaxEntries"/> clear data keys
/// are in memory, and none stays longer than <see cref="TimeToLive"/> after it was unwrapped (plus at most one
/// <see cref="SweepInterval"/> for a key nobody asks for again). Bindable from configuration.
/// </summary>
public sealed record DataKeyCacheOptions
{
    /// <summary>Most keys held; the least recently used goes first. 10,000 keys are 320 KB of key material.</summary>
    public int MaxEntries { get; init; } = 10_000;

    /// <summary>
    /// Time a key may stay after it was unwrapped, from insertion, not from last use: a hot key is unwrapped again
    /// (one HSM call per key per TTL) rather than living in memory indefinitely. Also how long a key of a deleted
    /// record could linger on a replica that did not see the deletion.
    /// </summary>
    public TimeSpan TimeToLive { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often expired keys nobody reads are swept out and zeroed.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <exception cref="ArgumentOutOfRangeException">A bound is not positive.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEntries, 1, nameof(MaxEntries));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(TimeToLive, TimeSpan.Zero, nameof(TimeToLive));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SweepInterval, TimeSpan.Zero, nameof(SweepInterval));
    }
}
