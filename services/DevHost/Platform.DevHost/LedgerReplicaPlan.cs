using System.Globalization;
using System.Security.Cryptography;
using Platform.Hosting.Networking;
using Platform.Ledger;

namespace Platform.DevHost;

/// <summary>
/// The dev host's ledger replicas: <c>ledger</c> answers on the ledger port, <c>ledger-1</c>, <c>ledger-2</c>… on
/// the ports after it; Raft runs on its own ports from <see cref="DevHostOptions.LedgerRaftPort"/>. Each replica
/// has its own SQLite file, write-ahead log and checkpoint key, as separate pods would.
/// </summary>
public static class LedgerReplicaPlan
{
    public static IReadOnlyList<EmbeddedService> For(DevHostOptions options)
    {
        var count = options.LedgerReplicas;
        // Port 0 (tests) means "any free port"; it is fixed here because every replica must know every address, and taken
        // from below the ephemeral range so no outgoing connection grabs it before the replica binds it.
        var apiPorts = Enumerable.Range(0, count).Select(i => options.LedgerPort == 0 ? LoopbackPorts.Next() : options.LedgerPort + i).ToArray();
        var raftPorts = Enumerable.Range(0, count).Select(i => options.LedgerRaftPort == 0 ? LoopbackPorts.Next() : options.LedgerRaftPort + i).ToArray();
        var clusterToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

        // Replicas are named, as in a deployment (ledger-0…), and their names resolve through a hosts file the dev
        // host writes, not DNS; each data directory is bound to its replica's name, never to an address.
        Directory.CreateDirectory(options.DataDirectory);
        var hostsFile = Path.Combine(options.DataDirectory, "ledger-hosts");
        File.WriteAllText(hostsFile, "127.0.0.1 " + string.Join(' ', Enumerable.Range(0, count).Select(ReplicaName)) + Environment.NewLine);

        return Enumerable.Range(0, count).Select(i =>
        {
            var settings = new Dictionary<string, string?>
            {
                ["Ledger:ReplicaName"] = ReplicaName(i),
                ["Ledger:ClusterToken"] = clusterToken,
                ["Ledger:HostsFile"] = hostsFile,
                ["Ledger:RaftBindAddress"] = "127.0.0.1",

                // All replicas share this process and disk: a power loss takes every one of them, so per-follower
                // flushes buy nothing here, and a killed process (the crash tests) loses nothing from the page cache.
                ["Ledger:DurableAcknowledgements"] = "false",
            };
            if (count > 1)
            {
                foreach (var (key, value) in DevHostRaftCertificates.Ensure(options.DataDirectory, ReplicaName(i)))
                    settings[key] = value;
            }
            if (i > 0)
            {
                settings["ConnectionStrings:ledger"] = $"Data Source={Path.Combine(options.DataDirectory, ServiceName(i) + ".db")};Cache=Shared;Pooling=True";
            }
            for (var r = 0; r < count; r++)
            {
                settings[$"Ledger:Replicas:{r}:Name"] = ReplicaName(r);
                settings[$"Ledger:Replicas:{r}:RaftEndPoint"] = string.Create(CultureInfo.InvariantCulture, $"{ReplicaName(r)}:{raftPorts[r]}");
                settings[$"Ledger:Replicas:{r}:ApiUrl"] = string.Create(CultureInfo.InvariantCulture, $"http://{ReplicaName(r)}:{apiPorts[r]}/");
            }
            return new EmbeddedService(ServiceName(i), apiPorts[i], LedgerService.Build, settings);
        }).ToArray();
    }

    private static string ReplicaName(int i) => $"ledger-{i}";

    private static string ServiceName(int i) => i == 0 ? "ledger" : $"ledger-{i}";
}
