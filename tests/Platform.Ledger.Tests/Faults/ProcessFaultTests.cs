using Platform.Ledger.FaultHarness;
using Xunit.Abstractions;

namespace Platform.Ledger.Tests.Faults;

/// <summary>
/// The short versions of <c>tests/ledger-faults.sh</c>: three replicas of the real service binary as separate
/// processes on loopback, SIGKILLed under continuous load. After each scenario every acknowledged (201) event must be
/// in every replica's log exactly once and in the same order, and receipts taken before the faults must still verify.
/// </summary>
[Collection(nameof(ProcessFaultTests))]
public sealed class ProcessFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_the_leader_repeatedly_loses_and_duplicates_nothing() =>
        AssertClean(await Scenarios.LeaderKillsAsync(2, output.WriteLine), expectedKills: 2);

    [Fact]
    public async Task Writes_go_on_while_a_minority_is_killed() =>
        AssertClean(await Scenarios.MinorityKillAsync(output.WriteLine), expectedKills: 1);

    [Fact]
    public async Task Writes_are_refused_with_503_while_a_majority_is_killed_and_resume_when_it_is_back() =>
        AssertClean(await Scenarios.MajorityKillAsync(output.WriteLine), expectedKills: 2);

    [Fact]
    public async Task A_replica_restarted_under_its_name_at_a_new_address_rejoins_without_restarting_its_peers() =>
        AssertClean(await Scenarios.MoveAsync(output.WriteLine), expectedKills: 2);

    [Fact]
    public async Task A_replica_whose_volume_was_wiped_catches_up_from_a_snapshot_and_holds_every_acknowledged_event_once() =>
        AssertClean(await Scenarios.WipedVolumeAsync(output.WriteLine), expectedKills: 2);

    [Fact]
    public async Task An_isolated_leader_commits_nothing_while_the_majority_elects_another_and_goes_on() =>
        AssertClean(await Scenarios.PartitionAsync(TimeSpan.FromSeconds(6), output.WriteLine), expectedKills: 0);

    [Fact]
    public async Task Two_replicas_join_and_leave_while_writes_go_on_and_nothing_is_lost_or_duplicated() =>
        AssertClean(await Scenarios.MembershipAsync(output.WriteLine), expectedKills: 1);

    private void AssertClean(ScenarioResult result, int expectedKills)
    {
        output.WriteLine($"{result.Scenario}: kills {result.Kills}, acknowledged {result.Acknowledged}, lost {result.Lost}, duplicated {result.Duplicated}, recovery {result.RecoveryText}");
        Assert.True(result.Problems.Count == 0, string.Join("\n", result.Problems));
        Assert.Equal(expectedKills, result.Kills);
        Assert.True(result.Acknowledged > 0, "Nothing was acknowledged: the scenario proved nothing.");
        Assert.Equal(0, result.Lost);
        Assert.Equal(0, result.Duplicated);
        Assert.NotEmpty(result.Recoveries);
    }
}
