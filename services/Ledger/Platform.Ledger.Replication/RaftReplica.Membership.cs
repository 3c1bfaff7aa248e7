using System.Net;
using DotNext.Net.Cluster.Consensus.Raft;
using RaftNotLeaderException = DotNext.Net.Cluster.Consensus.Raft.NotLeaderException;

namespace Platform.Ledger.Replication;

/// <summary>What a membership change did.</summary>
public enum MembershipChange
{
    /// <summary>The new membership is committed by a majority of the old one and in effect.</summary>
    Changed,

    /// <summary>Nothing to do: the member was already in (add) or already out (remove).</summary>
    Unchanged,

    /// <summary>The new member did not catch up with the log (unreachable, or refused the replication): not added.</summary>
    NotCaughtUp,

    /// <summary>Another change is running; DotNext changes one member at a time.</summary>
    Busy,
}

public sealed partial class RaftReplica
{
    /// <summary>The current membership as this replica knows it (empty while it waits to be added).</summary>
    public IReadOnlyList<EndPoint> Members => _cluster is { } node
        ? [.. node.Members.Select(m => m.EndPoint).OrderBy(RaftEndPoints.Format, StringComparer.Ordinal)]
        : _options.Members;

    /// <summary>
    /// On the leader: replicates the log to <paramref name="member"/> (a replica started outside the membership, see
    /// <see cref="ReplicaOptions.Members"/>), then commits the membership with it added. One member at a time.
    /// </summary>
    /// <exception cref="NotLeaderException">This replica does not lead (or lost the leadership meanwhile).</exception>
    /// <exception cref="QuorumUnavailableException">No majority committed the change within <paramref name="timeout"/>.</exception>
    public Task<MembershipChange> AddMemberAsync(EndPoint member, TimeSpan timeout, CancellationToken ct) =>
        ChangeMembershipAsync(member, add: true, timeout, ct);

    /// <summary>On the leader: commits the membership without <paramref name="member"/> (which may be the leader itself).</summary>
    /// <exception cref="NotLeaderException">This replica does not lead (or lost the leadership meanwhile).</exception>
    /// <exception cref="QuorumUnavailableException">No majority committed the change within <paramref name="timeout"/>.</exception>
    public Task<MembershipChange> RemoveMemberAsync(EndPoint member, TimeSpan timeout, CancellationToken ct) =>
        ChangeMembershipAsync(member, add: false, timeout, ct);

    private async Task<MembershipChange> ChangeMembershipAsync(EndPoint member, bool add, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (member is not (IPEndPoint or DnsEndPoint))
            throw new ArgumentException("A member is an IPEndPoint or a DnsEndPoint.", nameof(member));
        var node = RunningCluster();
        if (!IsLeader)
            throw new NotLeaderException(Leader, $"Membership changes run on the leader; this replica ({_options.RaftEndPoint}) is not it.");
        var isMember = node.Members.Any(m => m.EndPoint.Equals(member));
        if (isMember == add)
            return MembershipChange.Unchanged;

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            var changed = add
                ? await node.AddMemberAsync(member, deadline.Token).ConfigureAwait(false)
                : await node.RemoveMemberAsync(member, deadline.Token).ConfigureAwait(false);
            if (!changed)
                return add ? MembershipChange.NotCaughtUp : MembershipChange.Unchanged;

            // Committed; DotNext applies the new member list from its configuration loop a moment later.
            while (node.Members.Any(m => m.EndPoint.Equals(member)) != add && !deadline.IsCancellationRequested)
                await Task.Delay(TimeSpan.FromMilliseconds(5), deadline.Token).ConfigureAwait(false);
            return MembershipChange.Changed;
        }
        catch (RaftCluster.ConcurrentMembershipModificationException)
        {
            return MembershipChange.Busy;
        }
        catch (RaftNotLeaderException e)
        {
            throw new NotLeaderException(Leader, "This replica stopped leading during the membership change; its outcome is unknown.", e);
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new QuorumUnavailableException($"The membership change was not committed within {timeout}; it may still commit.", e);
        }
    }
}
