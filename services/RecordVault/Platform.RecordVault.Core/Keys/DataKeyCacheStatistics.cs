namespace Platform.RecordVault.Core;

/// <summary>Counters of a <see cref="DataKeyCache"/> since it was created (for metrics and benchmarks).</summary>
/// <param name="Hits">Reads answered from memory.</param>
/// <param name="Misses">Reads that had to unwrap (absent or expired).</param>
/// <param name="Evictions">Keys dropped to stay within <see cref="DataKeyCacheOptions.MaxEntries"/>.</param>
/// <param name="Expirations">Keys dropped because their time to live ran out.</param>
/// <param name="Count">Keys held right now.</param>
public sealed record DataKeyCacheStatistics(long Hits, long Misses, long Evictions, long Expirations, int Count);
