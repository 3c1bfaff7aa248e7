using System.Globalization;
using Platform.Ledger.FaultHarness;

// tests/ledger-faults.sh [--kills N]: every scenario once, the leader killed N times; a table, then the totals line.
var kills = 20;
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--kills" && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        kills = n;
    else if (args[i] == "--kills")
    {
        Console.Error.WriteLine("usage: ledger-faults [--kills N]   (N a positive number)");
        return 2;
    }
}

var results = new List<ScenarioResult>();
void Log(string line) => Console.WriteLine(line);
foreach (var (title, run) in new (string, Func<Task<ScenarioResult>>)[]
         {
             ($"kill the leader x{kills}", () => Scenarios.LeaderKillsAsync(kills, Log)),
             ("kill a minority", () => Scenarios.MinorityKillAsync(Log)),
             ("kill a majority", () => Scenarios.MajorityKillAsync(Log)),
             ("restart at a new address", () => Scenarios.MoveAsync(Log)),
             ("wipe a replica's volume", () => Scenarios.WipedVolumeAsync(Log)),
             ("isolate the leader", () => Scenarios.PartitionAsync(TimeSpan.FromSeconds(20), Log)),
             ("3 -> 5 -> 3 replicas", () => Scenarios.MembershipAsync(Log)),
         })
{
    Console.WriteLine($"scenario: {title}");
    var result = await run();
    results.Add(result);
    foreach (var problem in result.Problems)
        Console.WriteLine("  PROBLEM: " + problem);
}

Console.WriteLine();
Console.WriteLine($"{"scenario",-26} {"kills",5} {"acknowledged",12} {"lost",5} {"duplicated",10}  time to recover");
foreach (var r in results)
    Console.WriteLine($"{r.Scenario,-26} {r.Kills,5} {r.Acknowledged,12} {r.Lost,5} {r.Duplicated,10}  {r.RecoveryText}");
Console.WriteLine();
Console.WriteLine($"kills: {results.Sum(r => r.Kills)}, acknowledged: {results.Sum(r => r.Acknowledged)}, lost: {results.Sum(r => r.Lost)}, duplicated: {results.Sum(r => r.Duplicated)}");
return results.All(r => r.Passed) ? 0 : 1;
