using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Options;
using Platform.Ledger.Core;
using Platform.Ledger.Replication;

namespace Platform.Ledger.Node;

/// <summary>
/// This replica of the ledger: the replicated state machine and the Raft replica that feeds it. Writes go to the
/// leader; on a follower they are forwarded to it, so callers may talk to any replica.
/// </summary>
public sealed class LedgerNode : IAsyncDisposable
{
    private readonly LedgerState _state;
    private readonly RaftReplica _replica;
    private readonly LeaderForwarder _forwarder;
    private readonly LedgerNodeOptions _options;
    private readonly SubmissionBatcher? _batcher;
    private readonly ReplicaDirectory _directory;

    public LedgerNode(LedgerState state, RaftReplica replica, LeaderForwarder forwarder, IOptions<LedgerNodeOptions> options, ReplicaDirectory directory)
    {
        _directory = directory;
        _state = state;
        _replica = replica;
        _forwarder = forwarder;
        _options = options.Value;
        // On a follower the batch is formed here and forwarded whole, so the HTTP hop is paid per batch too.
        _batcher = _options.GroupCommit.Enabled ? new SubmissionBatcher(AppendBatchAsync, _options.GroupCommit) : null;
    }

    public LedgerState State => _state;

    public RaftReplica Replica => _replica;

    public string ReplicaName => _options.ReplicaName;

    /// <summary>
    /// Submits a signed event; completes once a majority committed it (or it proved a duplicate or invalid).
    /// Throws <see cref="QuorumUnavailableException"/> when no majority can be reached.
    /// </summary>
    public async Task<SubmitOutcome> SubmitAsync(string signedEvent, CancellationToken cancellationToken)
    {
        // Refuse early what every replica would refuse anyway, so garbage never costs a log entry. A refusal that
        // depends on what this replica has applied (an unknown key) is only final on the leader: a follower that is
        // catching up (restarted, or installing a snapshot after losing its volume) lets the leader decide.
        var validation = _state.Validate(signedEvent);
        if (!validation.IsValid && (_replica.IsLeader || !Events.TransientRefusals.IsTransient(validation.ErrorCode)))
        {
            return SubmitOutcome.Rejected(validation.ErrorCode!, validation.Reason!);
        }
        if (validation.Payload is { } payload && _state.LeafIndexOf(payload.EventId) is { } existing)
        {
            return SubmitOutcome.Duplicate(payload.EventId, existing);
        }
        if (_batcher is not null)
        {
            return await _batcher.SubmitAsync(signedEvent, cancellationToken);
        }
        var result = await AppendAsync(new SubmitEvent(signedEvent), cancellationToken);
        return result.Outcome ?? throw new QuorumUnavailableException("The entry was committed but its outcome is not known here.");
    }

    private async Task<IReadOnlyList<SubmitOutcome>> AppendBatchAsync(SubmitBatch batch, CancellationToken cancellationToken)
    {
        var result = await AppendAsync(batch, cancellationToken);
        return result.Outcomes ?? throw new QuorumUnavailableException("The batch was committed but its outcomes are not known here.");
    }

    /// <summary>Appends a command through the leader; on the leader the outcome of a submit is returned with the index.</summary>
    public async Task<AppendResult> AppendAsync(LedgerCommand command, CancellationToken cancellationToken)
    {
        using var activity = LedgerTelemetry.StartCommit(command, _options.ReplicaName);
        try
        {
            // The replica waits out an election and the new leader's first entry itself; it refuses only on a follower.
            var index = await _replica.AppendAsync(command.ToBytes(), _options.CommitTimeout, cancellationToken);
            activity?.SetTag("ledger.raft.index", index);
            return command is SubmitBatch
                ? new AppendResult(index, null, _state.OutcomesAt(index))
                : new AppendResult(index, _state.OutcomeAt(index));
        }
        catch (NotLeaderException notLeader) when (notLeader.Leader is { } leader)
        {
            var leaderApi = ApiOf(leader);
            activity?.SetTag("ledger.forwarded_to", leaderApi.ToString());
            return await _forwarder.ForwardAsync(leaderApi, command, cancellationToken);
        }
        catch (NotLeaderException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, "no leader");
            throw new QuorumUnavailableException("No leader is elected; a majority of replicas may be down.", ex);
        }
    }

    /// <summary>The leader's API, found by its member identity (its configured name): no address is compared.</summary>
    private Uri ApiOf(EndPoint leader)
    {
        var match = ReplicaOf(leader)
            ?? throw new QuorumUnavailableException($"The leader {RaftEndPoints.Format(leader)} is neither in Ledger:Replicas nor among the consortium's endpoints.");
        return match.ApiUrl ?? throw new QuorumUnavailableException($"Replica {match.Name} has no ApiUrl to forward to.");
    }

    /// <summary>The replica named <paramref name="name"/> (in Ledger:Replicas, or declared by a consortium member), if any.</summary>
    public ReplicaEndpoint? ReplicaNamed(string name) => _directory.Named(name);

    public async ValueTask DisposeAsync()
    {
        if (_batcher is not null)
        {
            await _batcher.DisposeAsync();
        }
    }

    /// <summary>The replica whose Raft endpoint is <paramref name="member"/> (in Ledger:Replicas, or declared by a consortium member), if any.</summary>
    public ReplicaEndpoint? ReplicaOf(EndPoint member) => _directory.Of(member);
}

/// <summary>The Raft index a command got and, for a submit, what applying it did (for a batch, per event in batch order).</summary>
public sealed record AppendResult(long Index, SubmitOutcome? Outcome, IReadOnlyList<SubmitOutcome>? Outcomes = null);
