using Platform.Ledger.Core;
using Platform.Ledger.Replication;

namespace Platform.Ledger.Node;

/// <summary>Lets the Raft replica snapshot the ledger state and compact its log behind the snapshot.</summary>
public sealed class LedgerStateSnapshots(LedgerState state) : ISnapshottableState
{
    public ValueTask WriteSnapshotAsync(Stream destination, CancellationToken ct) => state.WriteSnapshotAsync(destination, ct);

    public ValueTask RestoreSnapshotAsync(Stream source, CancellationToken ct) => state.RestoreSnapshotAsync(source, ct);
}
