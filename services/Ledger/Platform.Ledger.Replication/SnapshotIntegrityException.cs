namespace Platform.Ledger.Replication;

/// <summary>A snapshot file is truncated, altered, of an unknown version, or not the snapshot its name says it is.</summary>
public sealed class SnapshotIntegrityException(string message) : Exception(message);
