using Microsoft.Extensions.Hosting;

namespace Platform.Ledger.Replication;

/// <summary>
/// Runs a <see cref="RaftReplica"/> for the lifetime of a host. Host startup waits for the WAL replay,
/// so nothing is served from a state that is behind the replica's own log.
/// </summary>
public sealed class RaftReplicaHostedService(RaftReplica replica) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => replica.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => replica.StopAsync(cancellationToken);
}
