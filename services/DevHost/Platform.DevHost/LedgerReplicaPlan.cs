using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
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
        // Port 0 (tests) means "any free port"; it is fixed here because every replica must know every address.
        var apiPorts = Enumerable.Range(0, count).Select(i => options.LedgerPort == 0 ? FreePort() : options.LedgerPort + i).ToArray();
        var raftPorts = Enumerable.Range(0, count).Select(i => options.LedgerRaftPort == 0 ? FreePort() : options.LedgerRaftPort + i).ToArray();
        var clusterToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

        return Enumerable.Range(0, count).Select(i =>
        {
            var settings = new Dictionary<string, string?>
            {
                ["Ledger:ReplicaName"] = ReplicaName(i),
                ["Ledger:ClusterToken"] = clusterToken,
            };
            if (i > 0)
            {
                settings["ConnectionStrings:ledger"] = $"Data Source={Path.Combine(options.DataDirectory, ServiceName(i) + ".db")};Cache=Shared;Pooling=True";
            }
            for (var r = 0; r < count; r++)
            {
                settings[$"Ledger:Replicas:{r}:Name"] = ReplicaName(r);
                settings[$"Ledger:Replicas:{r}:RaftEndPoint"] = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{raftPorts[r]}");
                settings[$"Ledger:Replicas:{r}:ApiUrl"] = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{apiPorts[r]}/");
            }
            return new EmbeddedService(ServiceName(i), apiPorts[i], LedgerService.Build, settings);
        }).ToArray();
    }

    private static string ReplicaName(int i) => $"ledger-{i}";

    private static string ServiceName(int i) => i == 0 ? "ledger" : $"ledger-{i}";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
