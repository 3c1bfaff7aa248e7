using System.Diagnostics.Metrics;

namespace Platform.Ledger.Replication;

/// <summary>Counters of the Raft transport, exported with the platform's meters (<c>Platform.*</c>).</summary>
internal static class ReplicationTelemetry
{
    public const string Name = "Platform.Ledger.Replication";

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> RefusedSenders = Meter.CreateCounter<long>(
        "platform.ledger.raft.refused_senders", description: "Raft connections closed because a request on them spoke for a replica their certificate does not name");

    internal static void SenderRefused() => RefusedSenders.Add(1);
}
