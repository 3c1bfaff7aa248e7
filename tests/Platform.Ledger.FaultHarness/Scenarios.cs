using System.Diagnostics;
using Platform.Ledger.Verification;

namespace Platform.Ledger.FaultHarness;

/// <summary>One row of the summary: what a scenario did and what the audit after it found.</summary>
public sealed record ScenarioResult(string Scenario, int Kills, int Acknowledged, int Lost, int Duplicated, IReadOnlyList<TimeSpan> Recoveries, IReadOnlyList<string> Problems)
{
    public bool Passed => Lost == 0 && Duplicated == 0 && Problems.Count == 0;

    public string RecoveryText => Recoveries.Count == 0 ? "-"
        : $"max {Recoveries.Max().TotalMilliseconds:F0} ms, mean {Recoveries.Average(r => r.TotalMilliseconds):F0} ms";
}

/// <summary>
/// The fault scenarios, each on a fresh three-replica cluster under continuous load, each followed by
/// <see cref="LogAudit"/>. Kills are SIGKILL. Recovery time is measured from the fault (or from the moment a majority
/// is back) to the next acknowledged write, or, for a moved replica, to its having caught up.
/// </summary>
public static class Scenarios
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(30);

    /// <summary>SIGKILL the leader <paramref name="kills"/> times; it is restarted (same name, address, volume) after each.</summary>
    public static Task<ScenarioResult> LeaderKillsAsync(int kills, Action<string>? log = null) =>
        RunAsync("kill the leader", async (cluster, load, receipts, recoveries, problems) =>
        {
            for (var k = 0; k < kills; k++)
            {
                var leader = await cluster.LeaderAsync();
                await KeepReceiptAsync(cluster, load, receipts);
                var at = load.Now;
                leader.Kill();
                recoveries.Add(await load.WaitForAcknowledgementAfterAsync(at, RecoveryTimeout));
                log?.Invoke($"  kill {k + 1}/{kills}: {leader.Name} killed, writes acknowledged again after {recoveries[^1].TotalMilliseconds:F0} ms");
                await cluster.RestartAsync(leader);
            }
            return kills;
        });

    /// <summary>SIGKILL one follower: the other two are a majority, so writes must go on while it is down.</summary>
    public static Task<ScenarioResult> MinorityKillAsync(Action<string>? log = null) =>
        RunAsync("kill a minority", async (cluster, load, receipts, recoveries, problems) =>
        {
            var leader = await cluster.LeaderAsync();
            var follower = cluster.Replicas.First(r => r != leader);
            await KeepReceiptAsync(cluster, load, receipts);
            var at = load.Now;
            follower.Kill();
            recoveries.Add(await load.WaitForAcknowledgementAfterAsync(at, RecoveryTimeout));
            var acknowledgedWhileDown = load.Acknowledged.Count;
            await Task.Delay(TimeSpan.FromSeconds(2));
            if (load.Acknowledged.Count <= acknowledgedWhileDown)
                problems.Add("Writes stopped while only a minority was down.");
            log?.Invoke($"  {follower.Name} killed: {load.Acknowledged.Count - acknowledgedWhileDown} writes acknowledged in the next 2 s");
            await cluster.RestartAsync(follower);
            return 1;
        });

    /// <summary>
    /// SIGKILL two of three: writes must be refused with 503 quorum_unavailable and Retry-After, then resume once one
    /// of them is back.
    /// </summary>
    public static Task<ScenarioResult> MajorityKillAsync(Action<string>? log = null) =>
        RunAsync("kill a majority", async (cluster, load, receipts, recoveries, problems) =>
        {
            var leader = await cluster.LeaderAsync();
            await KeepReceiptAsync(cluster, load, receipts);
            var killed = cluster.Replicas.Where(r => r != leader).Append(leader).Take(2).ToList();
            var refusalsBefore = load.WellFormedQuorumRefusals;
            foreach (var replica in killed)
                replica.Kill();

            // Past in-flight requests, the survivor must answer 503 quorum_unavailable with Retry-After, and acknowledge nothing.
            await Task.Delay(TimeSpan.FromSeconds(4));
            var acknowledgedDuringOutage = load.Acknowledged.Count;
            await Task.Delay(TimeSpan.FromSeconds(2));
            if (load.Acknowledged.Count != acknowledgedDuringOutage)
                problems.Add("A write was acknowledged while a majority was down.");
            if (load.WellFormedQuorumRefusals == refusalsBefore)
                problems.Add("No 503 quorum_unavailable with Retry-After while a majority was down.");
            log?.Invoke($"  {string.Join(" and ", killed.Select(r => r.Name))} killed: {load.WellFormedQuorumRefusals - refusalsBefore} refusals with 503 quorum_unavailable + Retry-After");

            var back = killed[0];
            var restartedAt = load.Now;
            await cluster.RestartAsync(back);
            recoveries.Add(await load.WaitForAcknowledgementAfterAsync(restartedAt, RecoveryTimeout));
            log?.Invoke($"  {back.Name} restarted: writes acknowledged again {recoveries[^1].TotalMilliseconds:F0} ms after its restart began");
            await cluster.RestartAsync(killed[1]);
            return 2;
        });

    /// <summary>
    /// SIGKILL the leader and start it again under the same name on another loopback address, same data directory;
    /// its peers are not restarted and must find it by name.
    /// </summary>
    public static Task<ScenarioResult> MoveAsync(Action<string>? log = null) =>
        RunAsync("restart at a new address", async (cluster, load, receipts, recoveries, problems) =>
        {
            var moved = await cluster.LeaderAsync();
            await KeepReceiptAsync(cluster, load, receipts);
            var oldAddress = moved.Address;
            moved.Kill();
            var newAddress = cluster.SpareAddress(moved);
            var restartedAt = Stopwatch.StartNew();
            await cluster.MoveAsync(moved, newAddress);

            // Caught up: it has applied what the others have, which it can only get from them through its new address.
            var target = (await cluster.StatusAsync(cluster.Replicas.First(r => r != moved)))!.TreeSize;
            while ((await cluster.StatusAsync(moved))?.TreeSize < target)
            {
                if (restartedAt.Elapsed > RecoveryTimeout)
                {
                    problems.Add($"{moved.Name} at {newAddress} never caught up.");
                    break;
                }
                await Task.Delay(20);
            }
            recoveries.Add(restartedAt.Elapsed);
            log?.Invoke($"  {moved.Name} moved {oldAddress} -> {newAddress}: ready and caught up {restartedAt.Elapsed.TotalMilliseconds:F0} ms after its restart began");

            // And it takes part again: with the third replica down, it is needed for a majority.
            var third = cluster.Replicas.First(r => r != moved && r.IsRunning);
            third.Kill();
            var at = load.Now;
            recoveries.Add(await load.WaitForAcknowledgementAfterAsync(at, RecoveryTimeout));
            await cluster.RestartAsync(third);
            return 2;
        });

    /// <summary>
    /// With snapshots every 100 log entries, SIGKILL a follower once the log has been compacted, delete its whole data
    /// directory, and start it again under the same name and address: the log it would need no longer exists, so it can
    /// only catch up by installing the leader's snapshot, and then must hold every acknowledged event exactly once.
    /// </summary>
    public static Task<ScenarioResult> WipedVolumeAsync(Action<string>? log = null) =>
        RunAsync("wipe a replica's volume", async (cluster, load, receipts, recoveries, problems) =>
        {
            // Compacted: every replica has snapshots far enough ahead that the log before them is gone.
            var compacted = Stopwatch.StartNew();
            while ((await Task.WhenAll(cluster.Replicas.Select(cluster.SnapshotAsync))).Any(s => s is not { Index: >= 3 * WipeSnapshotInterval }))
            {
                if (compacted.Elapsed > RecoveryTimeout)
                {
                    problems.Add("The replicas never took snapshots.");
                    return 0;
                }
                await Task.Delay(100);
            }

            var leader = await cluster.LeaderAsync();
            var wiped = cluster.Replicas.First(r => r != leader);
            await KeepReceiptAsync(cluster, load, receipts);
            wiped.Kill();
            FaultCluster.Wipe(wiped);
            await Task.Delay(TimeSpan.FromSeconds(1)); // the others write on meanwhile

            var restartedAt = Stopwatch.StartNew();
            await cluster.RestartAsync(wiped);
            var target = (await cluster.StatusAsync(leader))?.TreeSize ?? 0;
            while ((await cluster.StatusAsync(wiped))?.TreeSize < target)
            {
                if (restartedAt.Elapsed > RecoveryTimeout)
                {
                    problems.Add($"{wiped.Name} never caught up after its volume was wiped.");
                    break;
                }
                await Task.Delay(20);
            }
            recoveries.Add(restartedAt.Elapsed);
            var installed = (await cluster.SnapshotAsync(wiped))?.Installed ?? 0;
            if (installed < 1)
                problems.Add($"{wiped.Name} caught up without installing a snapshot: the log was not compacted.");
            log?.Invoke($"  {wiped.Name} wiped and restarted: caught up to tree size {target} {restartedAt.Elapsed.TotalMilliseconds:F0} ms after its restart began, {installed} snapshot(s) installed");

            // It takes part again: with the third replica down, it is needed for a majority.
            var third = cluster.Replicas.First(r => r != wiped && r.IsRunning);
            third.Kill();
            var at = load.Now;
            recoveries.Add(await load.WaitForAcknowledgementAfterAsync(at, RecoveryTimeout));
            await cluster.RestartAsync(third);
            return 2;
        }, new Dictionary<string, string> { ["Ledger__SnapshotInterval"] = WipeSnapshotInterval.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    private const int WipeSnapshotInterval = 100;

    /// <summary>
    /// Cuts every link of the leader (a loopback TCP proxy sits between each pair of replicas): the old leader keeps
    /// running and answering clients but is alone, so it must commit nothing and answer 503 quorum_unavailable; the
    /// other two elect a new leader and go on. Then the links are restored and the old leader must rejoin.
    /// </summary>
    public static Task<ScenarioResult> PartitionAsync(TimeSpan isolation, Action<string>? log = null) =>
        RunAsync("isolate the leader", async (cluster, load, receipts, recoveries, problems) =>
        {
            var isolated = await cluster.LeaderAsync();
            var majority = cluster.Replicas.Where(r => r != isolated).Select(r => r.Name).ToList();
            await KeepReceiptAsync(cluster, load, receipts);
            var at = load.Now;
            cluster.Isolate(isolated);

            // The majority side elects a leader and acknowledges again.
            recoveries.Add(await load.WaitForAcknowledgementAfterAsync(at, RecoveryTimeout, majority));
            var newLeader = await cluster.LeaderAmongAsync(majority);
            log?.Invoke($"  {isolated.Name} isolated: {newLeader.Name} leads the majority, writes acknowledged again after {recoveries[^1].TotalMilliseconds:F0} ms");

            // Past the requests that were in flight at the cut (commit timeout), the isolated side commits nothing.
            await Task.Delay(FaultCluster.CommitTimeout + TimeSpan.FromSeconds(1));
            var acknowledgedByIsolated = load.AcknowledgedBy.GetValueOrDefault(isolated.Name);
            var refusedByIsolated = load.RefusedBy.GetValueOrDefault(isolated.Name);
            var acknowledgedByMajority = majority.Sum(n => load.AcknowledgedBy.GetValueOrDefault(n));
            await Task.Delay(isolation);
            if (load.AcknowledgedBy.GetValueOrDefault(isolated.Name) != acknowledgedByIsolated)
                problems.Add($"{isolated.Name} acknowledged a write while it was cut off from the majority.");
            if (load.RefusedBy.GetValueOrDefault(isolated.Name) == refusedByIsolated)
                problems.Add($"{isolated.Name} answered no 503 quorum_unavailable with Retry-After while it was cut off.");
            if (majority.Sum(n => load.AcknowledgedBy.GetValueOrDefault(n)) == acknowledgedByMajority)
                problems.Add("The majority side acknowledged nothing while the leader was isolated.");
            log?.Invoke($"  over {isolation.TotalSeconds:F0} s: {isolated.Name} refused {load.RefusedBy.GetValueOrDefault(isolated.Name) - refusedByIsolated} writes with 503, " +
                        $"the majority acknowledged {majority.Sum(n => load.AcknowledgedBy.GetValueOrDefault(n)) - acknowledgedByMajority}");

            // Healed: the old leader follows the new one and catches up (the audit compares every log).
            var healedAt = Stopwatch.StartNew();
            cluster.Heal();
            await cluster.LeaderAsync(RecoveryTimeout);
            recoveries.Add(healedAt.Elapsed);
            log?.Invoke($"  healed: one leader agreed by all three {healedAt.Elapsed.TotalMilliseconds:F0} ms later");
            return 0;
        }, partitionable: true, writers: 6);

    /// <summary>
    /// Grows the cluster from three to five replicas and shrinks it back, one member at a time through the leader's
    /// admin endpoint, under load; nobody is restarted. Each new replica is a new process on an empty volume that
    /// catches up from the leader before it counts. Time to recover = join requested → the new replica ready.
    /// </summary>
    public static Task<ScenarioResult> MembershipAsync(Action<string>? log = null) =>
        RunAsync("3 -> 5 -> 3 replicas", async (cluster, load, receipts, recoveries, problems) =>
        {
            await KeepReceiptAsync(cluster, load, receipts);
            var joiners = cluster.Replicas.Where(r => !cluster.IsMember(r)).ToList();
            foreach (var joiner in joiners)
            {
                var before = load.Acknowledged.Count;
                var started = Stopwatch.StartNew();
                await cluster.JoinAsync(joiner);
                recoveries.Add(started.Elapsed);
                log?.Invoke($"  {joiner.Name} added: ready {started.Elapsed.TotalMilliseconds:F0} ms after its start; {load.Acknowledged.Count - before} writes acknowledged meanwhile");
                if (load.Acknowledged.Count == before)
                    problems.Add($"No write was acknowledged while {joiner.Name} joined.");
            }
            await AssertMembersAsync(cluster, 5, problems);
            await load.WaitForAcknowledgementAfterAsync(load.Now, RecoveryTimeout, joiners.Select(j => j.Name).ToList());
            await KeepReceiptAsync(cluster, load, receipts);

            foreach (var leaving in joiners.AsEnumerable().Reverse())
            {
                var before = load.Acknowledged.Count;
                var started = Stopwatch.StartNew();
                await cluster.LeaveAsync(leaving);
                var at = load.Now;
                await load.WaitForAcknowledgementAfterAsync(at, RecoveryTimeout);
                log?.Invoke($"  {leaving.Name} removed in {started.Elapsed.TotalMilliseconds:F0} ms; {load.Acknowledged.Count - before} writes acknowledged meanwhile");
            }
            await AssertMembersAsync(cluster, 3, problems);

            // Three is the whole cluster again: with one of them down, the other two are its majority.
            var spare = cluster.RunningMembers.First(r => r != cluster.RunningMembers[0]);
            spare.Kill();
            var killedAt = load.Now;
            recoveries.Add(await load.WaitForAcknowledgementAfterAsync(killedAt, RecoveryTimeout));
            log?.Invoke($"  then {spare.Name} killed: writes acknowledged again after {recoveries[^1].TotalMilliseconds:F0} ms (2 of 3 are a majority)");
            await cluster.RestartAsync(spare);
            return 1;
        }, total: 5, initial: 3);

    // Every running member reports the same membership of the expected size.
    private static async Task AssertMembersAsync(FaultCluster cluster, int expected, List<string> problems)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var statuses = await Task.WhenAll(cluster.RunningMembers.Select(cluster.StatusAsync));
            var counts = statuses.Select(s => s?.Raft?.Members.Count ?? -1).ToList();
            if (counts.All(c => c == expected) && counts.Count == expected)
                return;
            if (deadline.Elapsed > RecoveryTimeout)
            {
                problems.Add($"Expected {expected} members everywhere, the running members report {string.Join(", ", counts)}.");
                return;
            }
            await Task.Delay(100);
        }
    }

    private delegate Task<int> Body(FaultCluster cluster, EventLoad load, List<Receipt> receipts, List<TimeSpan> recoveries, List<string> problems);

    // Writers are sequential: one waiting out a commit timeout on a cut-off replica sends nothing else meanwhile, so
    // the partition scenario runs more of them to keep load on both sides.
    private static async Task<ScenarioResult> RunAsync(
        string name, Body body, IReadOnlyDictionary<string, string>? settings = null, bool partitionable = false, int writers = 2, int total = 3, int initial = 3)
    {
        await using var cluster = await FaultCluster.StartAsync(settings: settings, partitionable: partitionable, total: total, initial: initial);
        var receipts = new List<Receipt>();
        var recoveries = new List<TimeSpan>();
        var problems = new List<string>();
        int kills;
        var load = new EventLoad(cluster, writers);
        try
        {
            load.Start();
            await load.WaitForAcknowledgementAfterAsync(TimeSpan.Zero, RecoveryTimeout);
            kills = await body(cluster, load, receipts, recoveries, problems);
            await cluster.LeaderAsync();
            var settled = load.Now;
            await load.WaitForAcknowledgementAfterAsync(settled, RecoveryTimeout);
        }
        finally
        {
            await load.DisposeAsync();
        }

        problems.AddRange(load.UnexpectedAnswers.Take(5).Select(a => "Unexpected answer: " + a));
        var audit = await LogAudit.RunAsync(cluster, load, receipts);
        problems.AddRange(audit.Problems);
        if (problems.Count > 0)
            problems.Add(cluster.Diagnostics());
        return new ScenarioResult(name, kills, audit.Acknowledged, audit.Lost, audit.Duplicated, recoveries, problems);
    }

    /// <summary>Takes a receipt for an event acknowledged before the coming fault; it must still verify after it.</summary>
    private static async Task KeepReceiptAsync(FaultCluster cluster, EventLoad load, List<Receipt> receipts)
    {
        var eventId = load.Acknowledged.Keys.LastOrDefault();
        if (eventId != Guid.Empty && await LogAudit.ReceiptAsync(cluster, eventId) is { } receipt)
            receipts.Add(receipt);
    }
}
