using System.Net;
using DotNext.IO.Log;
using DotNext.Net.Cluster;
using DotNext.Net.Cluster.Consensus.Raft;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;
using Microsoft.Extensions.Logging;
using PendingTaskInterruptedException = DotNext.Threading.PendingTaskInterruptedException;
using RaftNotLeaderException = DotNext.Net.Cluster.Consensus.Raft.NotLeaderException;

namespace Platform.Ledger.Replication;

/// <summary>
/// One member of a Raft-replicated, persistent log of opaque commands (DotNext Raft over TCP + WriteAheadLog).
/// </summary>
/// <remarks>
/// Start once, stop once: to restart a replica, create a new instance on the same <see cref="ReplicaOptions.DataDirectory"/>.
/// </remarks>
public sealed partial class RaftReplica : IAsyncDisposable
{
    // WAL chunk (page file) size. Fixed because DotNext cannot change it for an existing WAL.
    private const int WalChunkSize = 4 * 1024 * 1024;

    private readonly ReplicaOptions _options;
    private readonly ApplyCommand _apply;
    private readonly ISnapshottableState? _snapshots;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _lifecycleLock = new(1, 1);

    // Swapped only under lifecycleLock; read lock-free by AppendAsync and the status properties.
    private volatile RaftCluster? _cluster;
    private volatile DurableWriteAheadLog? _wal;
    private volatile CommandStateMachine? _stateMachine;
    private MemberConnectionFactory? _connections;
    private TlsConnectionListenerFactory? _tlsListener;
    private MembershipFile? _membership;
    private volatile Lifecycle _lifecycle;
    private ReplicaStatus? _finalStatus;
    private int _disposed;

    // The term of the latest leadership this replica won (see OnLeaderChanged); -1 before the first one.
    // (A single-member cluster leads from the start in whatever term its WAL holds, 0 when fresh.)
    private long _leaderTerm = -1;

    public RaftReplica(ReplicaOptions options, ApplyCommand apply, ILoggerFactory loggerFactory)
        : this(options, apply, null, loggerFactory)
    {
    }

    /// <summary>A replica that snapshots <paramref name="snapshots"/> every <see cref="ReplicaOptions.SnapshotInterval"/> entries and compacts its log behind them.</summary>
    /// <param name="snapshots">Writes and restores the state <paramref name="apply"/> builds; <see langword="null"/> for no snapshots (the log is kept whole).</param>
    public RaftReplica(ReplicaOptions options, ApplyCommand apply, ISnapshottableState? snapshots, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(apply);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();
        _options = options;
        _apply = apply;
        _snapshots = snapshots;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<RaftReplica>();
    }

    private enum Lifecycle
    {
        New,
        Running,
        Stopped,
    }

    /// <summary>
    /// Whether this replica leads the cluster and can take appends. A freshly elected leader reports
    /// <see langword="true"/> only once its election no-op entry is committed.
    /// </summary>
    public bool IsLeader => _cluster is { } node && !node.LeadershipToken.IsCancellationRequested;

    /// <summary>This replica's mutual TLS on the Raft transport, if any (its certificate also identifies it outside Raft).</summary>
    public ReplicaTls? Tls => _options.Tls;

    /// <summary>The leader this replica knows of; <see langword="null"/> while none is known.</summary>
    public EndPoint? Leader => _cluster?.Leader?.EndPoint;

    /// <summary>A snapshot of this replica's Raft state.</summary>
    public ReplicaStatus Status => _cluster is { } node && _wal is { } log && _stateMachine is { } machine
        ? ReplicaStatusReader.Read(_options, node, log, machine, _tlsListener)
        : _finalStatus ?? ReplicaStatusReader.NotRunning(_options);

    /// <summary>
    /// Restores the newest snapshot (if any), opens the WAL, replays its committed entries after the snapshot through
    /// <see cref="ApplyCommand"/> (completed before this returns), then starts the Raft listener and joins the cluster
    /// as a follower.
    /// </summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await _lifecycleLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_lifecycle == Lifecycle.Stopped, this);
            if (_lifecycle != Lifecycle.New)
                throw new InvalidOperationException("The replica is already started.");

            var walLocation = DataDirectoryLayout.Prepare(_options, previous => LogMigrated(_logger, previous, _options.EffectiveIdentity));
            var snapshotLocation = DataDirectoryLayout.Snapshots(_options);
            CommandStateMachine.DeleteAbandonedTemporaryFiles(snapshotLocation);
            var machine = new CommandStateMachine(snapshotLocation, _apply, _snapshots, _options.SnapshotInterval, _logger);

            // DotNext requires the state machine restored before the WAL is opened: the WAL starts after the snapshot.
            try
            {
                await machine.RestoreAsync(ct).ConfigureAwait(false);
            }
            catch
            {
                await machine.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            var log = new DurableWriteAheadLog(
                new WriteAheadLog.Options
                {
                    Location = walLocation,
                    ChunkSize = WalChunkSize,

                    // Verified for every entry on start: a corrupted WAL fails loudly instead of replaying garbage.
                    HashAlgorithm = WriteAheadLog.IntegrityHashAlgorithm.XxHash64,
                },
                machine,
                _options.FlushBeforeAcknowledging);
            var clients = new MemberConnectionFactory(_options.ResolveHost ?? MemberConnectionFactory.SystemResolver, _options.UpperElectionTimeout, _options.Tls);
            var listener = _options.Tls is { } tls ? new TlsConnectionListenerFactory(tls, _logger, KnownEndPoints) : null;
            var members = new MembershipFile(Path.Combine(Path.GetFullPath(_options.DataDirectory), MembershipFile.FileName));
            var node = RaftClusterFactory.Create(_options, log, members, clients, listener, _loggerFactory);
            node.LeaderChanged += OnLeaderChanged;
            try
            {
                await members.SeedAsync(_options.RaftEndPoint, _options.Members, ct).ConfigureAwait(false);
                await ReplayAsync(log, machine, ct).ConfigureAwait(false);
                if (await log.RestoreAcknowledgedAsync(new DirectoryInfo(walLocation), ct).ConfigureAwait(false) is var restored and > 0)
                    LogAcknowledgedRestored(_logger, restored, log.LastEntryIndex);

                // Initializes the WAL again (a second, cheap hash pass), opens the listener and starts following.
                await node.StartAsync(ct).ConfigureAwait(false);
            }
            catch
            {
                await ShutdownAsync(node, log, machine).ConfigureAwait(false);
                clients.Dispose();
                members.Dispose();
                throw;
            }

            (_cluster, _wal, _stateMachine, _connections, _tlsListener, _membership, _lifecycle) = (node, log, machine, clients, listener, members, Lifecycle.Running);
            LogStarted(_logger, _options.RaftEndPoint, node.Members.Count, log.LastCommittedEntryIndex);
        }
        finally
        {
            _lifecycleLock.Release();
        }
    }

    /// <summary>Leaves the cluster and closes the WAL (everything appended is flushed). The instance cannot be restarted.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        await _lifecycleLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var wasRunning = _lifecycle == Lifecycle.Running;

            // Stopped first: from now on callers get ObjectDisposedException, in-flight appends NotLeaderException.
            _lifecycle = Lifecycle.Stopped;
            if (wasRunning && _cluster is { } node && _wal is { } log && _stateMachine is { } machine)
            {
                _finalStatus = ReplicaStatusReader.Read(_options, node, log, machine, _tlsListener) with { Leader = null, IsLeader = false };
                (_cluster, _wal, _stateMachine) = (null, null, null);
                await ShutdownAsync(node, log, machine).ConfigureAwait(false);
                _connections?.Dispose();
                _membership?.Dispose();
                LogStopped(_logger, _options.RaftEndPoint);
            }
        }
        finally
        {
            _lifecycleLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _lifecycleLock.Dispose();
    }

    /// <summary>Waits until some leader (this replica or another) is known.</summary>
    /// <exception cref="QuorumUnavailableException">No leader was elected within <paramref name="timeout"/>.</exception>
    public async Task WaitForLeaderAsync(TimeSpan timeout, CancellationToken ct)
    {
        var node = RunningCluster();
        try
        {
            await node.WaitForLeaderAsync(timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new QuorumUnavailableException(NoLeaderMessage(timeout), e);
        }
    }

    /// <summary>
    /// Appends a command; completes only after a majority has it committed AND it was applied locally.
    /// </summary>
    /// <returns>The command's Raft log index (the index <see cref="ApplyCommand"/> receives for it on every replica).</returns>
    /// <exception cref="NotLeaderException">This replica is not the leader, or stopped leading before the command committed.</exception>
    /// <exception cref="QuorumUnavailableException">No majority acknowledged the command (or no leader was elected) within <paramref name="timeout"/>.</exception>
    /// <remarks>Either exception means "not acknowledged, outcome unknown"; see <see cref="ReplicationException"/>.</remarks>
    public async Task<long> AppendAsync(ReadOnlyMemory<byte> command, TimeSpan timeout, CancellationToken ct)
    {
        if (command.IsEmpty)
            throw new ArgumentException("A command must not be empty (empty entries are Raft no-ops).", nameof(command));
        if (command.Length > _options.MaxCommandSize)
            throw new ArgumentOutOfRangeException(nameof(command), command.Length, $"A command must not exceed {_options.MaxCommandSize} bytes.");
        if (timeout <= TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive.");

        var node = RunningCluster();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        Leadership? lease = null;
        try
        {
            lease = await AcquireLeadershipAsync(node, timeout, deadline.Token).ConfigureAwait(false);
            var ticket = new AppendTicket(lease.Term);
            var entry = new BinaryLogEntry { Content = command, Term = lease.Term, Context = ticket };

            // Linking the leadership token makes a step-down between the checks above and the append abort the wait.
            using var scope = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, lease.Token);

            // Appends to the local WAL, triggers replication and waits until the entry is committed and applied here.
            await node.ReplicateAsync(entry, scope.Token).ConfigureAwait(false);
            return ticket.AppliedIndex is var index and > 0
                ? index
                : throw new NotLeaderException(Leader, "The entry was replaced by a new leader's entry before it committed; the command was not applied.");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested)
        {
            throw new QuorumUnavailableException(
                lease is null
                    ? NoLeaderMessage(timeout)
                    : $"The command was not acknowledged by a majority ({Majority(node)} of {node.Members.Count}) within {timeout}: " +
                      "too many replicas are unreachable. It is NOT committed now, but may still commit if they return.",
                e);
        }
        catch (Exception e) when (e is RaftNotLeaderException or OperationCanceledException)
        {
            throw new NotLeaderException(Leader, "This replica stopped leading before the command committed; its outcome is unknown.", e);
        }
        catch (InvalidOperationException e) when (_cluster != node)
        {
            throw new NotLeaderException(null, "This replica was stopped before the command committed; its outcome is unknown.", e);
        }
        catch (Exception e) when (e is IntegrityException or PendingTaskInterruptedException)
        {
            // The WAL's background applier or flusher died (e.g. ApplyCommand threw): the replica is unusable.
            throw new InvalidOperationException(
                $"Replica {_options.RaftEndPoint} no longer applies committed entries after an internal failure (see its critical log); restart it once the cause is fixed.",
                e);
        }
    }

    /// <summary>Returns this replica's current leadership, or throws <see cref="NotLeaderException"/> pointing at the leader.</summary>
    /// <remarks>While no leader is known (an election is running) it waits for the outcome until the deadline.</remarks>
    private async ValueTask<Leadership> AcquireLeadershipAsync(RaftCluster node, TimeSpan timeout, CancellationToken deadline)
    {
        while (true)
        {
            // DotNext hands out a live leadership token only once the new leader's no-op entry is committed,
            // which is long after OnLeaderChanged recorded the term of that leadership.
            var token = node.LeadershipToken;
            var term = Volatile.Read(ref _leaderTerm);
            if (!token.IsCancellationRequested && term >= 0)
                return new Leadership(token, term);

            switch (node.Leader)
            {
                case { IsRemote: true } leader:
                    throw new NotLeaderException(
                        leader.EndPoint,
                        $"This replica ({_options.RaftEndPoint}) is a follower; send the command to the leader {leader.EndPoint}.");
                case null:
                    await node.WaitForLeaderAsync(Timeout.InfiniteTimeSpan, deadline).ConfigureAwait(false);
                    break;
                default:
                    // Elected; its no-op entry is not committed yet.
                    await Task.Delay(TimeSpan.FromMilliseconds(2), deadline).ConfigureAwait(false);
                    break;
            }

            if (deadline.IsCancellationRequested)
                throw new QuorumUnavailableException(NoLeaderMessage(timeout));
        }
    }

    /// <summary>Records the term of a leadership this replica has just won.</summary>
    /// <remarks>
    /// Reading the term at append time is racy: a leader that sees a higher term first persists the new
    /// term and only then leaves the leader state, so it could stamp its entry with a term it does not lead.
    /// DotNext raises LeaderChanged synchronously, under its transition lock, right after entering the
    /// leader state, so the term read here is the term of that leadership.
    /// </remarks>
    private void OnLeaderChanged(ICluster sender, IClusterMember? leader)
    {
        if (sender is RaftCluster node && leader is { IsRemote: false })
            Volatile.Write(ref _leaderTerm, node.AuditTrail.Term);

        LogLeaderChanged(_logger, _options.RaftEndPoint, leader?.EndPoint);
    }

    // Every replica this one can name: the senders an incoming request is checked against (SenderBinding).
    private IEnumerable<EndPoint> KnownEndPoints()
    {
        IEnumerable<EndPoint> known = [_options.RaftEndPoint, .. _options.Members];
        if (_cluster is { } node)
            known = known.Concat(node.Members.Select(m => m.EndPoint));
        if (_options.KnownEndPoints is { } more)
            known = known.Concat(more());
        return known.Distinct();
    }

    private RaftCluster RunningCluster()
    {
        ObjectDisposedException.ThrowIf(_lifecycle == Lifecycle.Stopped, this);
        return _cluster ?? throw new InvalidOperationException("The replica is not started.");
    }

    /// <summary>Verifies the WAL's integrity hashes, then replays its committed entries through the state machine.</summary>
    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} entries this replica had acknowledged but not yet committed were appended again from its journal (log ends at {LastIndex}).")]
    private static partial void LogAcknowledgedRestored(ILogger logger, int count, long lastIndex);

    private static async Task ReplayAsync(DurableWriteAheadLog log, CommandStateMachine machine, CancellationToken ct)
    {
        // InitializeAsync verifies every entry synchronously before its first await, then waits for the applier,
        // so a corrupted WAL comes back as an already faulted task while the applier is still held back.
        var initialization = log.InitializeAsync(ct);
        if (!initialization.IsFaulted)
            machine.StartApplying();
        await initialization.ConfigureAwait(false);
    }

    private static async ValueTask ShutdownAsync(RaftCluster node, DurableWriteAheadLog log, CommandStateMachine machine)
    {
        try
        {
            // Stops the listener, the timers and outgoing replication (DisposeAsync calls StopAsync first).
            await node.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            try
            {
                // Flushes everything appended and writes the final checkpoint.
                await log.DisposeAsync().ConfigureAwait(false);
            }
            finally
            {
                // Waits for a snapshot being written; an uncommitted one stays a temporary file, deleted at next start.
                await machine.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static int Majority(RaftCluster node) => (node.Members.Count / 2) + 1;

    private string NoLeaderMessage(TimeSpan timeout) =>
        _cluster is { Members.Count: 0 }
            ? $"Replica {_options.RaftEndPoint} is not a member of the cluster yet: it waits until the leader adds it."
            : NoMajorityMessage(timeout);

    private string NoMajorityMessage(TimeSpan timeout) =>
        $"No leader was elected within {timeout}: fewer than a majority ({(_cluster is { } node ? Majority(node) : _options.Majority)} of {_cluster?.Members.Count ?? _options.Members.Count}) " +
        $"of the configured replicas are reachable from {_options.RaftEndPoint}.";

    private sealed record Leadership(CancellationToken Token, long Term);

    [LoggerMessage(Level = LogLevel.Information, Message = "Raft replica {Self} started ({Members} members; committed log replayed up to index {Committed}).")]
    private static partial void LogStarted(ILogger logger, EndPoint self, int members, long committed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Data directory migrated: it was bound to the address {Previous}, it is now bound to {Identity}.")]
    private static partial void LogMigrated(ILogger logger, string previous, string identity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Raft replica {Self} stopped.")]
    private static partial void LogStopped(ILogger logger, EndPoint self);

    [LoggerMessage(Level = LogLevel.Information, Message = "Raft replica {Self}: leader is now {Leader}.")]
    private static partial void LogLeaderChanged(ILogger logger, EndPoint self, EndPoint? leader);
}
