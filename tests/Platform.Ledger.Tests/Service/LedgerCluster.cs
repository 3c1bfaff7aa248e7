using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto;
using Platform.Crypto.Software;
using Platform.Ledger;
using Platform.Ledger.Node;
using Platform.Ledger.Replication;
using Platform.Ledger.Verification;
using Platform.Messaging.InProcess;
using Platform.SignedEvents;
using Platform.Testing;

namespace Platform.Ledger.Tests.Service;

/// <summary>
/// N real ledger service replicas in this process, each with its own API port, Raft port, SQLite file, WAL and
/// software key directory, configured exactly as a deployment would be; plus a consent publisher key they trust.
/// </summary>
public sealed class LedgerCluster : IAsyncDisposable
{
    public const string ServiceToken = "test-consent-service-token";
    public const string AuditorToken = "test-auditor-token";
    public const string AdminToken = "test-ledger-admin-token";
    private readonly string _root = Directory.CreateTempSubdirectory("ledger-cluster-").FullName;
    private readonly SoftwareKeyProvider _publisherKeys;
    private readonly (int Api, int Raft)[] _ports;
    private readonly string _clusterToken = Convert.ToHexString(Guid.NewGuid().ToByteArray());

    private readonly InProcessBroker? _broker;
    private readonly IReadOnlyDictionary<string, string?> _extraSettings;

    private LedgerCluster(int replicas, InProcessBroker? broker, IReadOnlyDictionary<string, string?>? extraSettings)
    {
        _broker = broker;
        _extraSettings = extraSettings ?? new Dictionary<string, string?>();
        _publisherKeys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = Path.Combine(_root, "publisher") }, NullLogger<SoftwareKeyProvider>.Instance);
        var endpoints = FreePort.Allocate(replicas * 2);
        _ports = Enumerable.Range(0, replicas).Select(i => (endpoints[2 * i].Port, endpoints[(2 * i) + 1].Port)).ToArray();
        Replicas = new ServiceUnderTest?[replicas];
        if (replicas > 1)
        {
            WriteRaftCertificates();
        }
    }

    /// <summary>A private Raft CA and a certificate per replica (for 127.0.0.1, where they all listen), as a Secret would hold them.</summary>
    private void WriteRaftCertificates()
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root, "raft-tls")).FullName;
        using var authority = ReplicaCertificateAuthority.Create("test ledger Raft CA", TimeSpan.FromDays(1));
        File.WriteAllText(Path.Combine(directory, "ca.crt"), authority.Certificate.ExportCertificatePem());
        for (var i = 0; i < Replicas.Length; i++)
        {
            using var issued = authority.Issue($"ledger-{i}", [$"ledger-{i}"], [System.Net.IPAddress.Loopback], TimeSpan.FromDays(1));
            ReplicaCertificateAuthority.WritePem(issued, Path.Combine(directory, $"ledger-{i}.crt"), Path.Combine(directory, $"ledger-{i}.key"));
        }
    }

    public ServiceUnderTest?[] Replicas { get; }

    /// <summary>The secret replicas present to each other on /internal/commands.</summary>
    public string ClusterToken => _clusterToken;
    public ISigningKey ConsentKey { get; private set; } = null!;

    /// <param name="replicas">How many replicas.</param>
    /// <param name="broker">An in-process broker shared with the test, to deliver and observe events.</param>
    /// <param name="extraSettings">Configuration every replica gets on top of the defaults (e.g. <c>Ledger:SnapshotInterval</c>).</param>
    public static async Task<LedgerCluster> StartAsync(int replicas, InProcessBroker? broker = null, IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        var cluster = new LedgerCluster(replicas, broker, extraSettings);
        cluster.ConsentKey = await cluster._publisherKeys.GetSigningKeyAsync("consent-events", CancellationToken.None);
        await Task.WhenAll(Enumerable.Range(0, replicas).Select(cluster.StartReplicaAsync));
        return cluster;
    }

    public async Task StartReplicaAsync(int i) =>
        Replicas[i] = await ServiceUnderTest.StartAsync(LedgerService.Build, Settings(i), builder =>
        {
            if (_broker is not null)
            {
                builder.Services.AddSingleton(_broker);
            }
        });

    public async Task StopReplicaAsync(int i)
    {
        if (Replicas[i] is { } replica)
        {
            Replicas[i] = null;
            await replica.DisposeAsync();
        }
    }

    /// <summary>Replica <paramref name="i"/>'s Raft data directory (WAL and snapshots).</summary>
    public string RaftDirectory(int i) => Path.Combine(
        (Replicas[i] ?? throw new InvalidOperationException($"Replica {i} is stopped.")).Services
            .GetRequiredService<Microsoft.Extensions.Options.IOptions<LedgerNodeOptions>>().Value.DataDirectory,
        "raft");

    /// <summary>Replica <paramref name="i"/>'s API address, as an operator's tool would be given it.</summary>
    public Uri ApiUrl(int i) => new($"http://127.0.0.1:{_ports[i].Api}/");

    public HttpClient Client(int i) => Replicas[i]?.Client ?? throw new InvalidOperationException($"Replica {i} is stopped.");

    public async Task<int> LeaderAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            for (var i = 0; i < Replicas.Length; i++)
            {
                if (Replicas[i] is not null && (await Status(i)).IsLeader)
                {
                    return i;
                }
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("No replica became leader.");
    }

    /// <summary>Waits until a leader exists and the configured publisher key is in the log (a probe event is accepted).</summary>
    public async Task WaitUntilAcceptingAsync(int replica = 0)
    {
        await LeaderAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var (probe, _) = await SignConsentEventAsync();
            if ((await Client(replica).SendAsync(Submit(probe))).IsSuccessStatusCode)
            {
                return;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException("The ledger never accepted a probe event.");
    }

    public sealed record StatusView(string Replica, bool IsLeader, long TreeSize, long? LatestFinalCheckpoint);

    public async Task<StatusView> Status(int i) => (await Client(i).GetFromJsonAsync<StatusView>("/cluster/status"))!;

    public Task<(string Jws, ConsentEventPayload Payload)> SignConsentEventAsync(Guid? eventId = null) =>
        TestConsentEvents.SignAsync(ConsentKey, eventId);

    public static HttpRequestMessage Submit(string? signedEvent, string? token = ServiceToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/entries") { Content = JsonContent.Create(new { signedEvent }) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return request;
    }

    public async Task<Receipt> ReceiptAsync(int replica, Guid eventId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var response = await Client(replica).GetAsync($"/events/{eventId}/receipt");
            if (response.StatusCode == System.Net.HttpStatusCode.OK)
            {
                return (await response.Content.ReadFromJsonAsync<Receipt>())!;
            }
            await Task.Delay(50);
        }
        var status = await Client(replica).GetStringAsync("/cluster/status");
        var size = (await Status(replica)).TreeSize;
        var checkpoint = await (await Client(replica).GetAsync($"/checkpoints/{size}")).Content.ReadAsStringAsync();
        throw new TimeoutException($"No receipt for {eventId} on replica {replica}. Status: {status} Checkpoint at {size}: {checkpoint}");
    }

    public async Task<IReadOnlyList<ReplicaKey>> KeysAsync(int replica) =>
        (await Client(replica).GetFromJsonAsync<KeysView>("/replicas/keys"))!.Keys;

    private sealed record KeysView(IReadOnlyList<ReplicaKey> Keys);

    private Dictionary<string, string?> Settings(int i)
    {
        var jwk = ConsentKey.GetPublicJwk();
        var settings = new Dictionary<string, string?>
        {
            ["Urls"] = $"http://127.0.0.1:{_ports[i].Api}",
            ["Data:Directory"] = Path.Combine(_root, $"replica-{i}"),
            ["Keys:Provider"] = "Software",
            ["Keys:Software:KeyDirectory"] = Path.Combine(_root, $"replica-{i}", "keys"),
            ["Ledger:LedgerId"] = "test-ledger",
            ["Ledger:ReplicaName"] = $"ledger-{i}",
            ["Ledger:ClusterToken"] = _clusterToken,
            ["Ledger:BlockInterval"] = "00:00:00.050",
            ["Ledger:CommitTimeout"] = "00:00:03",
            ["Ledger:ServiceTokens:consent"] = ServiceToken,
            ["Ledger:AuditorTokens:auditor"] = AuditorToken,
            ["Ledger:AdminToken"] = AdminToken,
        };
        foreach (var (key, value) in PublisherSettings.For(0, "consent", jwk).Concat(_extraSettings))
        {
            settings[key] = value;
        }
        if (_ports.Length > 1)
        {
            var tls = Path.Combine(_root, "raft-tls");
            settings["Ledger:RaftTls:CertificateFile"] = Path.Combine(tls, $"ledger-{i}.crt");
            settings["Ledger:RaftTls:KeyFile"] = Path.Combine(tls, $"ledger-{i}.key");
            settings["Ledger:RaftTls:AuthorityFile"] = Path.Combine(tls, "ca.crt");
        }
        for (var r = 0; r < _ports.Length; r++)
        {
            settings[$"Ledger:Replicas:{r}:Name"] = $"ledger-{r}";
            settings[$"Ledger:Replicas:{r}:RaftEndPoint"] = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{_ports[r].Raft}");
            settings[$"Ledger:Replicas:{r}:ApiUrl"] = $"http://127.0.0.1:{_ports[r].Api}/";
        }
        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < Replicas.Length; i++)
        {
            await StopReplicaAsync(i);
        }
        _publisherKeys.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // a WAL file may still be closing; the OS cleans temp
        }
    }
}
