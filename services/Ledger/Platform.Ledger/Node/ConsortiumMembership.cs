using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Platform.Ledger.Replication;

namespace Platform.Ledger.Node;

/// <summary>
/// Makes a consortium ledger's Raft membership and TLS trust follow its governance. Every replica reloads its
/// peer trust from the configuration in force (<see cref="ConsortiumPeerTrust.Refresh"/>). The leader compares the
/// Raft membership with the replicas the configuration's members run and converges, one single-server change at a
/// time (the same change as <c>ledger members add/remove</c>): first a replica of a removed institution leaves (itself
/// last, then it steps down), then an admitted institution's replica is caught up and added. It compares states
/// instead of reacting to entries, so a change that a leader did not finish is finished by the next one.
/// </summary>
/// <remarks>
/// The leader converges only once it has applied everything committed, so a freshly elected leader whose state is
/// behind never undoes a change it has not seen yet. A Raft member whose endpoint matches no replica it knows of
/// (neither <c>Ledger:Replicas</c> nor any configuration's endpoints) is left alone and reported: it cannot tell
/// whose it is. A member replica whose endpoint it does not know cannot be added and is reported too.
/// </remarks>
public sealed partial class ConsortiumMembership(
    LedgerNode node, ReplicaDirectory directory, LocalConsortium local, ILogger<ConsortiumMembership> logger, ConsortiumPeerTrust? trust = null)
    : BackgroundService
{
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(30);
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        local.Configuration is null ? Task.CompletedTask : Task.WhenAll(FollowTrustAsync(stoppingToken), ConvergeAsync(stoppingToken));

    // Separate from the membership loop: adding a replica can take as long as catching it up.
    private async Task FollowTrustAsync(CancellationToken stoppingToken)
    {
        if (trust is null)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            var before = trust.Configuration;
            trust.Refresh();
            if (!ReferenceEquals(before, trust.Configuration))
                LogTrustChanged(logger, trust.Configuration.Members.Count, string.Join(", ", trust.Configuration.Members.Select(m => m.Name)));
            await Task.Delay(Pace, stoppingToken);
        }
    }

    private async Task ConvergeAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await StepAsync(stoppingToken))
                    await Task.Delay(Pace, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogChangeFailed(logger, e.GetType().Name, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    /// <summary>One change towards the configuration in force, on the leader; true when a change was committed.</summary>
    private async Task<bool> StepAsync(CancellationToken ct)
    {
        var status = node.Replica.Status;
        if (!status.IsLeader || status.LastAppliedIndex < status.CommitIndex || node.State.Consortium is not { } configuration)
            return false;
        var wanted = configuration.Members.SelectMany(m => m.Replicas).ToHashSet(StringComparer.Ordinal);
        var current = node.Replica.Members;
        var self = node.Replica.Status.Self;

        var leaving = current
            .Select(m => (EndPoint: m, Replica: directory.Of(m)))
            .Where(m => m.Replica is null ? Report($"unknown:{RaftEndPoints.Format(m.EndPoint)}", m.EndPoint) : !wanted.Contains(m.Replica.Name))
            .OrderBy(m => m.EndPoint.Equals(self)) // itself last: it steps down once that is committed
            .FirstOrDefault();
        if (leaving.Replica is { } gone)
        {
            var change = await node.Replica.RemoveMemberAsync(leaving.EndPoint, ChangeTimeout, ct);
            LogChanged(logger, "removed", gone.Name, change.ToString());
            return change == MembershipChange.Changed;
        }

        foreach (var name in wanted.Order(StringComparer.Ordinal))
        {
            if (directory.Named(name) is not { } replica)
            {
                Report($"unplaced:{name}", null, name);
                continue;
            }
            var endpoint = replica.ParseRaftEndPoint();
            if (current.Contains(endpoint))
                continue;
            var change = await node.Replica.AddMemberAsync(endpoint, ChangeTimeout, ct);
            LogChanged(logger, "added", name, change.ToString());
            if (change == MembershipChange.Changed)
                return true;
        }
        return false;
    }

    // Logged once per process: it stays true until an operator acts.
    private bool Report(string what, EndPoint? member, string? name = null)
    {
        if (_reported.Add(what))
        {
            if (member is not null)
                LogUnknownMember(logger, RaftEndPoints.Format(member));
            else
                LogUnplaced(logger, name!);
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Raft TLS now trusts the CAs of the {Count} member institutions of the ledger's configuration: {Members}")]
    private static partial void LogTrustChanged(ILogger logger, int count, string members);

    [LoggerMessage(Level = LogLevel.Information, Message = "Following the consortium's configuration, replica {Replica} {Action}: {Outcome}")]
    private static partial void LogChanged(ILogger logger, string action, string replica, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Raft member {Member} is no replica named in Ledger:Replicas or in the consortium's configurations; it is left in the membership")]
    private static partial void LogUnknownMember(ILogger logger, string member);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replica {Replica} of the consortium's configuration has no known endpoint (neither in Ledger:Replicas nor in its member's endpoints); it cannot be added to the Raft membership")]
    private static partial void LogUnplaced(ILogger logger, string replica);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A membership change following the consortium's configuration failed ({ErrorType}: {Reason}); retrying")]
    private static partial void LogChangeFailed(ILogger logger, string errorType, string reason);
}
