using System.Net;
using Microsoft.Extensions.Logging;

namespace Platform.Ledger.Replication.Tests.Support;

/// <summary>One member slot of a test cluster: fixed endpoint and data directory, a replica instance while it runs.</summary>
internal sealed class TestNode(ReplicaOptions options, ILoggerFactory loggerFactory)
{
    private volatile RaftReplica? _replica;

    public ReplicaOptions Options { get; private set; } = options;

    /// <summary>Changes the socket this node listens on from its next start (a pod recreated with a new IP).</summary>
    public void MoveTo(IPEndPoint listen)
    {
        Assert.False(IsRunning, $"{EndPoint} must be down to move.");
        Options = Options with { ListenEndPoint = listen };
    }

    public EndPoint EndPoint => Options.RaftEndPoint;

    /// <summary>The running replica; throws if the node is down.</summary>
    public RaftReplica Replica => _replica ?? throw new InvalidOperationException($"{EndPoint} is not running.");

    public RaftReplica? ReplicaOrNull => _replica;

    public bool IsRunning => _replica is not null;

    /// <summary>What the current (or last) replica instance applied; a restart starts a fresh log, like a new process.</summary>
    public AppliedLog Log { get; private set; } = new();

    /// <summary>Starts a new replica instance on this node's data directory (a restart when it ran before).</summary>
    public async Task StartAsync()
    {
        Assert.False(IsRunning, $"{EndPoint} is already running.");
        Log = new AppliedLog();
        var instance = new RaftReplica(Options, Log.Apply, Options.SnapshotInterval > 0 ? Log : null, loggerFactory);
        await instance.StartAsync(CancellationToken.None);
        _replica = instance;
    }

    /// <summary>Takes the replica away without a graceful StopAsync, as close to a crash as one process allows.</summary>
    public async Task KillAsync()
    {
        var instance = _replica ?? throw new InvalidOperationException($"{EndPoint} is not running.");
        _replica = null;
        await instance.DisposeAsync();
    }

    /// <summary>Stops the replica gracefully.</summary>
    public async Task StopAsync()
    {
        var instance = _replica ?? throw new InvalidOperationException($"{EndPoint} is not running.");
        _replica = null;
        await instance.StopAsync(CancellationToken.None);
        await instance.DisposeAsync();
    }

    /// <summary>This node's data directory (WAL and snapshots).</summary>
    public DirectoryInfo DataDirectory => new(Options.DataDirectory);

    public override string ToString() => EndPoint.ToString() ?? "";
}
