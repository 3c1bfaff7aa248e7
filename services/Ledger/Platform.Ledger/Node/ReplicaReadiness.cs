using Platform.Ledger.Replication;

namespace Platform.Ledger.Node;

/// <summary>
/// Whether a replica may take traffic and let a rollout move on (<c>/health/ready</c>): a leader is known, a
/// matching leader has told it the commit index since it started, and it has applied all but
/// <see cref="LedgerNodeOptions.ReadyLag"/> committed entries.
/// </summary>
public static class ReplicaReadiness
{
    public static (bool Ready, string Reason) Evaluate(ReplicaStatus status, long readyLag)
    {
        if (status.Leader is null)
        {
            return (false, "No leader is known; writes wait for an election or a majority.");
        }
        if (!status.HeardCommitIndex)
        {
            // Restarted (or wiped): the leader is known from its first AppendEntries, but until this replica's log
            // matches the leader's it has not been told the commit index, so "no lag" would only mean "no news".
            return (false, "Waiting to hear the leader's commit index (catching up after a restart).");
        }
        // The indices it judged, so an operator (and a test) sees from the probe itself how far it had applied.
        var position = $"applied {status.LastAppliedIndex}, commit index {status.KnownCommitIndex}";
        if (status.Lag > readyLag)
        {
            return (false, $"Catching up: {status.Lag} committed entries not applied yet ({position}).");
        }
        return (true, status.IsLeader ? $"This replica leads ({position})." : $"A leader is known and this replica is caught up ({position}).");
    }
}
