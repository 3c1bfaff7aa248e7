using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Platform.Ledger.Replication;

namespace Platform.Ledger.Node;

/// <summary>
/// Ready only while a leader is known and this replica has caught up (<see cref="ReplicaReadiness"/>): a replica that has not (re)joined a majority
/// cannot commit, one far behind the leader's commit index does not yet hold what it would serve, and a rollout that
/// took either as ready would restart the next replica and could lose the quorum. (While the write-ahead log is
/// replayed at start the host does not answer at all.) The headless Service publishes not-ready addresses, so peers
/// still find it.
/// </summary>
public sealed class RaftHealthCheck(RaftReplica replica, IOptions<LedgerNodeOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (ready, reason) = ReplicaReadiness.Evaluate(replica.Status, options.Value.ReadyLag);
        return Task.FromResult(ready ? HealthCheckResult.Healthy(reason) : HealthCheckResult.Unhealthy(reason));
    }
}
