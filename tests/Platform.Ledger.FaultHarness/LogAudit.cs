using System.Net.Http.Json;
using Platform.Crypto.Jose;
using Platform.Ledger.Verification;

namespace Platform.Ledger.FaultHarness;

/// <summary>What reading every replica's log back found.</summary>
/// <param name="Acknowledged">Events acknowledged with 201 so far.</param>
/// <param name="Lost">Acknowledged events missing from at least one replica's log.</param>
/// <param name="Duplicated">Events that appear more than once in some replica's log.</param>
/// <param name="Problems">Anything else wrong: logs that differ, unknown entries, receipts that no longer verify.</param>
public sealed record AuditResult(int Acknowledged, int Lost, int Duplicated, IReadOnlyList<string> Problems)
{
    public bool Passed => Lost == 0 && Duplicated == 0 && Problems.Count == 0;
}

/// <summary>
/// The checks after each scenario: every acknowledged event is in every replica's log exactly once, at the same
/// position; all logs are identical; receipts issued before the faults still verify against the replicas' keys and
/// still point at the same entry.
/// </summary>
public static class LogAudit
{
    public static async Task<AuditResult> RunAsync(FaultCluster cluster, EventLoad load, IReadOnlyList<Receipt> receipts)
    {
        var problems = new List<string>();

        // Every replica must have applied everything committed before its log is compared.
        var logs = new Dictionary<string, List<string>>();
        var sizes = await WaitForEqualTreeSizesAsync(cluster, problems);
        foreach (var replica in cluster.RunningMembers)
        {
            var entries = new List<string>();
            for (long i = 0; i < sizes; i++)
            {
                // Entries are for auditors; the cluster token is one (a replica holds the whole log anyway).
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(replica.Api, $"entries/{i}"));
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", cluster.ClusterToken);
                using var response = await cluster.Http.SendAsync(request);
                response.EnsureSuccessStatusCode();
                var entry = await response.Content.ReadFromJsonAsync<EntryView>();
                entries.Add(entry!.SignedEvent);
            }
            logs[replica.Name] = entries;
        }

        var reference = logs.Values.First();
        foreach (var (name, log) in logs.Skip(1))
        {
            if (!log.SequenceEqual(reference))
                problems.Add($"{name}'s log differs from {logs.Keys.First()}'s.");
        }

        var lost = 0;
        var duplicated = 0;
        foreach (var (name, log) in logs)
        {
            var ids = log.Select(jws => load.Submitted.TryGetValue(jws, out var id) ? id : (Guid?)null).ToList();
            var positions = ids.Select((id, index) => (id, index)).Where(p => p.id is not null).GroupBy(p => p.id!.Value).ToDictionary(g => g.Key, g => g.Select(p => (long)p.index).ToList());
            duplicated = Math.Max(duplicated, positions.Count(p => p.Value.Count > 1));
            var missing = load.Acknowledged.Where(a => !positions.ContainsKey(a.Key)).ToList();
            lost = Math.Max(lost, missing.Count);
            foreach (var (id, leafIndex) in load.Acknowledged)
            {
                if (positions.TryGetValue(id, out var at) && at[0] != leafIndex)
                    problems.Add($"{name}: event {id} acknowledged at leaf {leafIndex} is at {at[0]}.");
            }
        }

        // A receipt is checked against the keys it names (the replicas of its time: the membership may have grown
        // since), provided every one of them is a key the ledger holds now; keys are only ever added to the log.
        var keys = await cluster.KeysAsync(cluster.RunningMembers[0]);
        foreach (var receipt in receipts)
        {
            if (receipt.ReplicaKeys.Any(k => !keys.Any(known => known.Kid == k.Kid && known.Replica == k.Replica && known.X == k.X && known.Y == k.Y)))
                problems.Add($"Receipt for leaf {receipt.LeafIndex} names a replica key the ledger does not hold.");
            var result = ReceiptVerifier.Verify(receipt, receipt.ReplicaKeys);
            if (!result.IsValid)
                problems.Add($"Receipt for leaf {receipt.LeafIndex} no longer verifies: {result.Reason}");
            else if (receipt.LeafIndex >= reference.Count
                     || reference[(int)receipt.LeafIndex] != System.Text.Encoding.UTF8.GetString(StrictBase64Url.TryDecode(receipt.Entry) ?? []))
                problems.Add($"Receipt for leaf {receipt.LeafIndex} names an entry the log no longer has there.");
        }

        return new AuditResult(load.Acknowledged.Count, lost, duplicated, problems);
    }

    /// <summary>Fetches a receipt for an acknowledged event, waiting for the next final checkpoint.</summary>
    public static async Task<Receipt?> ReceiptAsync(FaultCluster cluster, Guid eventId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var replica in cluster.Replicas.Where(r => r.IsRunning))
            {
                try
                {
                    using var response = await cluster.Http.GetAsync(new Uri(replica.Api, $"events/{eventId}/receipt"));
                    if (response.StatusCode == System.Net.HttpStatusCode.OK)
                        return await response.Content.ReadFromJsonAsync<Receipt>();
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }
            }
            await Task.Delay(100);
        }
        return null;
    }

    private static async Task<long> WaitForEqualTreeSizesAsync(FaultCluster cluster, List<string> problems)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long[] sizes = [];
        while (DateTime.UtcNow < deadline)
        {
            var statuses = await Task.WhenAll(cluster.RunningMembers.Select(cluster.StatusAsync));
            sizes = [.. statuses.Select(s => s?.TreeSize ?? -1)];
            if (sizes.All(s => s >= 0) && sizes.Distinct().Count() == 1)
                return sizes[0];
            await Task.Delay(100);
        }
        problems.Add($"The replicas' tree sizes never converged: {string.Join(", ", sizes)}.");
        return sizes.Where(s => s >= 0).DefaultIfEmpty(0).Min();
    }

    private sealed record EntryView(long LeafIndex, string SignedEvent, string LeafHash);
}
