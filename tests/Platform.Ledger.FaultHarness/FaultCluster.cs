using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto.Software;
using Platform.Ledger.Replication;
using Platform.Ledger.Verification;

namespace Platform.Ledger.FaultHarness;

/// <summary>
/// Three named replicas (<c>ledger-0..2</c>) as separate processes, each on its own loopback address
/// (127.0.0.x: the whole 127/8 is loopback), with its own data directory and checkpoint key. Names resolve through a
/// hosts file (<c>Ledger:HostsFile</c>) that <see cref="MoveAsync"/> rewrites, the way a StatefulSet pod's DNS record
/// follows it to a new IP.
/// </summary>
public sealed class FaultCluster : IAsyncDisposable
{
    public const string ServiceToken = "fault-harness-service-token";
    public const string AdminToken = "fault-harness-admin-token";
    /// <summary>
    /// How long a replica may take from launch to ready: 60 s, or <c>LEDGER_FAULTS_START_TIMEOUT_SECONDS</c> on a machine
    /// so loaded that starting a .NET process alone takes longer (each replica then gets a few percent of a core).
    /// </summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("LEDGER_FAULTS_START_TIMEOUT_SECONDS"), out var seconds) && seconds > 0 ? seconds : 60);

    /// <summary>The replicas' <c>Ledger:CommitTimeout</c>: how long a write waits for a majority before a 503.</summary>
    public static readonly TimeSpan CommitTimeout = TimeSpan.FromSeconds(3);

    private readonly string _root;
    private readonly bool _partitionable;
    private readonly Dictionary<(string From, string To), LinkProxy> _links = [];
    private readonly SoftwareKeyProvider _publisherKeys;
    private readonly string _clusterToken = Convert.ToHexString(Guid.NewGuid().ToByteArray());

    /// <summary>The replicas' shared secret; it also admits reading the (private) entries.</summary>
    public string ClusterToken => _clusterToken;
    private readonly Dictionary<string, string> _environment = [];
    private readonly ReplicaCertificateAuthority _raftAuthority = ReplicaCertificateAuthority.Create("fault harness ledger Raft CA", TimeSpan.FromDays(1));

    private readonly HashSet<string> _members;
    private readonly int _founderCount;

    // Consortium mode: one institution per replica, each with its own Raft CA and its own checkpoint key provider.
    private readonly bool _consortium;
    private readonly Dictionary<string, ReplicaCertificateAuthority> _institutionAuthorities = [];
    private readonly Dictionary<string, SoftwareKeyProvider> _institutionKeys = [];

    /// <summary>The member institutions' names in consortium mode, one per replica (<c>ledger-i</c> is run by <c>Institutions[i]</c>).</summary>
    public static readonly IReadOnlyList<string> Institutions = ["Hôpital Nord", "Clinique du Lac", "Centre de santé Est", "Institut Ouest", "Maison médicale Sud"];

    /// <summary>The founding configuration the replicas were given (consortium mode), written at <see cref="ConsortiumFile"/>.</summary>
    public ConsortiumConfiguration? Consortium { get; private set; }

    public string ConsortiumFile => Path.Combine(_root, "consortium.json");

    private FaultCluster(string root, int subnet, IReadOnlyDictionary<string, string>? settings, bool partitionable, int total, int initial, bool consortium)
    {
        _root = root;
        _consortium = consortium;
        _partitionable = partitionable;
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            _environment[key] = value;
        _publisherKeys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = Path.Combine(root, "publisher") }, NullLogger<SoftwareKeyProvider>.Instance);
        var ports = FreePorts(2 * total);
        Replicas = [.. Enumerable.Range(0, total).Select(i => new ReplicaProcess(
            $"ledger-{i}", IPAddress.Parse($"127.{subnet}.0.{10 + i}"), ports[2 * i], ports[(2 * i) + 1], Path.Combine(root, $"ledger-{i}")))];
        Subnet = subnet;
        _members = [.. Replicas.Take(initial).Select(r => r.Name)];
        _founderCount = initial;
    }

    public IReadOnlyList<ReplicaProcess> Replicas { get; }

    /// <summary>The second octet of this cluster's loopback addresses, so concurrent harnesses never share an address.</summary>
    public int Subnet { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    public HarnessEvents Events { get; private set; } = null!;

    /// <param name="root">Where the replicas' data directories go (a fresh temp directory by default).</param>
    /// <param name="settings">Environment for every replica on top of the harness's own (e.g. <c>Ledger__SnapshotInterval</c>).</param>
    /// <param name="partitionable">Route every replica-to-replica connection through a <see cref="LinkProxy"/>, so links can be cut.</param>
    /// <param name="total">How many named replicas exist (every replica knows all their names and addresses).</param>
    /// <param name="initial">How many of them form the cluster and are started; the others wait for <see cref="JoinAsync"/>.</param>
    /// <param name="consortium">
    /// Run each replica as a different member institution (docs/consortium.md): its own checkpoint key provider and
    /// its own Raft CA, all listed in a founding configuration every replica is given (<c>Ledger:Consortium:File</c>).
    /// </param>
    public static async Task<FaultCluster> StartAsync(
        string? root = null, IReadOnlyDictionary<string, string>? settings = null, bool partitionable = false, int total = 3, int? initial = null,
        bool consortium = false)
    {
        root ??= Directory.CreateTempSubdirectory("ledger-faults-").FullName;
        var cluster = new FaultCluster(root, Random.Shared.Next(1, 250), settings, partitionable, total, initial ?? total, consortium);
        try
        {
            await cluster.InitializeAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task InitializeAsync()
    {
        var key = await _publisherKeys.GetSigningKeyAsync("consent-events", CancellationToken.None);
        Events = new HarnessEvents(key);
        var jwk = key.GetPublicJwk();
        _environment["Ledger__LedgerId"] = "fault-harness-ledger";
        _environment["Ledger__ClusterToken"] = _clusterToken;
        _environment["Ledger__BlockInterval"] = "00:00:00.100";
        _environment["Ledger__CommitTimeout"] = CommitTimeout.ToString("c", CultureInfo.InvariantCulture);
        _environment["Ledger__ServiceTokens__consent"] = ServiceToken;
        _environment["Ledger__AdminToken"] = AdminToken;
        _environment["Ledger__Publishers__0__Issuer"] = "consent";
        foreach (var (field, value) in new[] { ("Kty", jwk.Kty), ("Crv", jwk.Crv), ("X", jwk.X), ("Y", jwk.Y), ("Kid", jwk.Kid), ("Alg", jwk.Alg), ("Use", jwk.Use) })
            _environment[$"Ledger__Publishers__0__Jwk__{field}"] = value ?? "";
        _environment["Keys__Provider"] = "Software";

        // The harness is one client that reads every entry of every replica back after each scenario; the public
        // per-client read limit (600 a minute) is meant for the internet, not for an audit of thousands of entries.
        _environment["RateLimiting__per-client__PermitLimit"] = "1000000";
        _environment["Logging__LogLevel__Default"] = "Warning";
        _environment["Logging__LogLevel__Platform.Ledger.Replication"] = "Information";

        // DotNext logs every failed heartbeat to a killed peer with a stack trace; the harness kills peers on purpose.
        _environment["Logging__LogLevel__DotNext"] = "Error";
        // A consortium's founding replicas know each other only; an institution admitted later declares its
        // replicas' endpoints in the admission proposal, and lists the founders and itself (see Start).
        var known = _consortium ? Replicas.Take(_founderCount).ToList() : [.. Replicas];
        for (var i = 0; i < known.Count; i++)
            ListReplica(_environment, i, known[i]);
        if (_partitionable)
        {
            foreach (var from in Replicas)
            {
                foreach (var to in Replicas.Where(r => r != from))
                    _links[(from.Name, to.Name)] = new LinkProxy(from.Name, to.Name, LinkAddress(from, to), [to.RaftPort, to.ApiPort], () => to.Address);
            }
        }
        if (_consortium)
            await WriteConsortiumAsync();
        var founders = Replicas.Where(IsMember).ToList();
        _environment["Ledger__InitialMembers"] = founders.Count.ToString(CultureInfo.InvariantCulture);
        WriteHostsFile();
        foreach (var replica in founders)
            Start(replica);
        await Task.WhenAll(founders.Select(r => r.WaitReadyAsync(Http, StartTimeout)));
        await WaitUntilAcceptingAsync();
    }

    private void Start(ReplicaProcess replica, string? consortiumFile = null)
    {
        var own = new Dictionary<string, string>(_environment)
        {
            ["Ledger__ReplicaName"] = replica.Name,
            ["Data__Directory"] = replica.DataDirectory,
            ["Keys__Software__KeyDirectory"] = Path.Combine(replica.DataDirectory, "keys"),
            ["Ledger__HostsFile"] = HostsFile(replica),
        };
        foreach (var (key, value) in RaftCertificates(replica))
            own[key] = value;
        if (_consortium)
        {
            own.Remove("Ledger__RaftTls__AuthorityFile"); // the members' CAs come from the consortium file
            own["Ledger__Consortium__File"] = consortiumFile ?? ConsortiumFile;
            if (IndexOf(replica) >= _founderCount)
                ListReplica(own, _founderCount, replica);
        }
        replica.Start(own);
    }

    private static void ListReplica(Dictionary<string, string> settings, int i, ReplicaProcess r)
    {
        settings[$"Ledger__Replicas__{i}__Name"] = r.Name;
        settings[$"Ledger__Replicas__{i}__RaftEndPoint"] = string.Create(CultureInfo.InvariantCulture, $"{r.Name}:{r.RaftPort}");
        settings[$"Ledger__Replicas__{i}__ApiUrl"] = string.Create(CultureInfo.InvariantCulture, $"http://{r.Name}:{r.ApiPort}/");
    }

    /// <summary>
    /// The member a joining institution running <paramref name="replica"/> asks to be admitted as (consortium mode):
    /// its checkpoint key, its CA, and where its replica is reached, so the others need no configuration change.
    /// </summary>
    public async Task<ConsortiumMember> InstitutionMemberAsync(ReplicaProcess replica)
    {
        var jwk = (await InstitutionKeyAsync(replica)).GetPublicJwk();
        return new ConsortiumMember(Institutions[IndexOf(replica)], [replica.Name], [new ReplicaKey(replica.Name, jwk.Kid, jwk.Kty, jwk.Crv, jwk.X, jwk.Y)],
            InstitutionAuthority(replica).Certificate.ExportCertificatePem(),
            [new ReplicaAddress(replica.Name, string.Create(CultureInfo.InvariantCulture, $"{replica.Name}:{replica.RaftPort}"),
                new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{replica.Name}:{replica.ApiPort}/")))]);
    }

    /// <summary>
    /// Starts the replica of an institution joining the consortium (consortium mode) with the configuration it was
    /// admitted under as its file; it waits outside the Raft membership until the leader adds it. Returns once it is live.
    /// </summary>
    public async Task StartJoiningAsync(ReplicaProcess replica, ConsortiumConfiguration admittedUnder)
    {
        var file = Path.Combine(_root, $"consortium-{replica.Name}.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(admittedUnder));
        Start(replica, file);
        await replica.WaitReadyAsync(Http, StartTimeout, "health/live");
        lock (_members)
            _members.Add(replica.Name);
    }

    /// <summary>Records that governance removed the replica's institution (the harness's view of the membership).</summary>
    public void Forget(ReplicaProcess replica)
    {
        lock (_members)
            _members.Remove(replica.Name);
    }

    /// <summary>The checkpoint key of the institution running <paramref name="replica"/> (consortium mode), as its own key provider holds it.</summary>
    public Task<Platform.Crypto.ISigningKey> InstitutionKeyAsync(ReplicaProcess replica) =>
        _institutionKeys[replica.Name].GetSigningKeyAsync(replica.Name, CancellationToken.None);

    /// <summary>The Raft CA of the institution running <paramref name="replica"/> (consortium mode).</summary>
    public ReplicaCertificateAuthority InstitutionAuthority(ReplicaProcess replica) => _institutionAuthorities[replica.Name];

    /// <summary>The Raft TLS certificate (with its key) <paramref name="replica"/> was started with, as its files hold it.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2 RaftCertificate(ReplicaProcess replica)
    {
        var directory = Path.Combine(_root, "raft-tls");
        return System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(
            Path.Combine(directory, replica.Name + ".crt"), Path.Combine(directory, replica.Name + ".key"));
    }

    // Each institution makes its key in its own key provider (the replica's key directory, where the process finds
    // it) and its own CA; the founding configuration lists their public halves.
    private async Task WriteConsortiumAsync()
    {
        var memberList = new List<ConsortiumMember>();
        for (var i = 0; i < Replicas.Count; i++)
        {
            var replica = Replicas[i];
            var keys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = Path.Combine(replica.DataDirectory, "keys") }, NullLogger<SoftwareKeyProvider>.Instance);
            _institutionKeys[replica.Name] = keys;
            var jwk = (await keys.GetSigningKeyAsync(replica.Name, CancellationToken.None)).GetPublicJwk();
            var authority = ReplicaCertificateAuthority.Create($"{Institutions[i]} ledger CA", TimeSpan.FromDays(1));
            _institutionAuthorities[replica.Name] = authority;
            if (i < _founderCount) // the others' institutions join later, by governance
                memberList.Add(new ConsortiumMember(Institutions[i], [replica.Name],
                [new ReplicaKey(replica.Name, jwk.Kid, jwk.Kty, jwk.Crv, jwk.X, jwk.Y)], authority.Certificate.ExportCertificatePem()));
        }
        Consortium = new ConsortiumConfiguration("fault-harness-ledger", ConsortiumConfiguration.MajorityOfMembers, memberList);
        await File.WriteAllTextAsync(ConsortiumFile, JsonSerializer.Serialize(Consortium));
    }

    /// <summary>
    /// The replica's Raft certificate, issued once by the harness's CA for its name (peers dial names; the address
    /// may change), written where a mounted Secret would be.
    /// </summary>
    private Dictionary<string, string> RaftCertificates(ReplicaProcess replica)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root, "raft-tls")).FullName;
        var authority = Path.Combine(directory, "ca.crt");
        var certificate = Path.Combine(directory, replica.Name + ".crt");
        var key = Path.Combine(directory, replica.Name + ".key");
        if (!File.Exists(authority))
            File.WriteAllText(authority, _raftAuthority.Certificate.ExportCertificatePem());
        if (!File.Exists(certificate))
        {
            using var issued = (_consortium ? _institutionAuthorities[replica.Name] : _raftAuthority).Issue(replica.Name, [replica.Name], [], TimeSpan.FromDays(1));
            ReplicaCertificateAuthority.WritePem(issued, certificate, key);
        }
        return new()
        {
            ["Ledger__RaftTls__CertificateFile"] = certificate,
            ["Ledger__RaftTls__KeyFile"] = key,
            ["Ledger__RaftTls__AuthorityFile"] = authority,
        };
    }

    /// <summary>Restarts a killed replica where it was (same name, address and data directory) and waits until it is ready.</summary>
    public async Task RestartAsync(ReplicaProcess replica)
    {
        Start(replica);
        await replica.WaitReadyAsync(Http, StartTimeout);
    }

    /// <summary>
    /// Starts a stopped replica under its name at another loopback address, on its own data directory; only the name
    /// record changes for the others, which keep running.
    /// </summary>
    public async Task MoveAsync(ReplicaProcess replica, IPAddress newAddress)
    {
        if (replica.IsRunning)
            throw new InvalidOperationException("Kill the replica before moving it.");
        replica.Address = newAddress;
        WriteHostsFile();
        await RestartAsync(replica);
    }

    /// <summary>Deletes a killed replica's whole data directory (WAL, snapshots, database, checkpoint key): a lost volume.</summary>
    public static void Wipe(ReplicaProcess replica)
    {
        if (replica.IsRunning)
            throw new InvalidOperationException("Kill the replica before wiping its volume.");
        Directory.Delete(replica.DataDirectory, recursive: true);
    }

    /// <summary>The replica's snapshots as its /cluster/status reports them; null while it does not answer.</summary>
    public async Task<SnapshotStatus?> SnapshotAsync(ReplicaProcess replica)
    {
        try
        {
            var status = await Http.GetFromJsonAsync<JsonElement>(new Uri(replica.Api, "cluster/status"));
            return status.GetProperty("raft").TryGetProperty("snapshot", out var snapshot) && snapshot.ValueKind == JsonValueKind.Object
                ? snapshot.Deserialize<SnapshotStatus>(new JsonSerializerOptions(JsonSerializerDefaults.Web))
                : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            return null;
        }
    }

    public IPAddress SpareAddress(ReplicaProcess replica) =>
        IPAddress.Parse($"127.{Subnet}.{Random.Shared.Next(1, 250)}.{Replicas.ToList().IndexOf(replica) + 20}");

    public async Task<ClusterStatus?> StatusAsync(ReplicaProcess replica)
    {
        try
        {
            return await Http.GetFromJsonAsync<ClusterStatus>(new Uri(replica.Api, "cluster/status"));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The replica every running replica agrees is the leader.</summary>
    public async Task<ReplicaProcess> LeaderAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            var running = Replicas.Where(r => r.IsRunning && IsMember(r)).ToList();
            var statuses = await Task.WhenAll(running.Select(StatusAsync));
            var leaders = running.Zip(statuses).Where(p => p.Second?.IsLeader == true).Select(p => p.First).ToList();
            if (leaders.Count == 1 && statuses.All(s => s?.LeaderName == leaders[0].Name))
                return leaders[0];
            await Task.Delay(50);
        }
        throw new TimeoutException("No leader that every running replica agrees on.");
    }

    /// <summary>Whether the replica is in the membership (as far as the harness changed it).</summary>
    public bool IsMember(ReplicaProcess replica)
    {
        lock (_members)
            return _members.Contains(replica.Name);
    }

    /// <summary>The running members: where the load goes and what the audit reads.</summary>
    public IReadOnlyList<ReplicaProcess> RunningMembers => [.. Replicas.Where(r => r.IsRunning && IsMember(r))];

    /// <summary>
    /// Starts a replica that is not a member (it waits, not ready, outside the cluster), then adds it through the
    /// leader's <c>POST /admin/members/{name}</c> and waits until it is ready (caught up, following the leader).
    /// </summary>
    public async Task JoinAsync(ReplicaProcess replica)
    {
        Start(replica);
        await replica.WaitReadyAsync(Http, StartTimeout, "health/live");
        await ChangeMembershipAsync(replica, HttpMethod.Post);
        lock (_members)
            _members.Add(replica.Name);
        await replica.WaitReadyAsync(Http, StartTimeout);
    }

    /// <summary>Removes a replica through the leader's <c>DELETE /admin/members/{name}</c>, then stops its process.</summary>
    public async Task LeaveAsync(ReplicaProcess replica)
    {
        await ChangeMembershipAsync(replica, HttpMethod.Delete);
        lock (_members)
            _members.Remove(replica.Name);
        replica.Kill();
    }

    // The leader can move while a change is requested: follow 421 (not the leader), wait out 409 and 503.
    private async Task ChangeMembershipAsync(ReplicaProcess replica, HttpMethod method)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        string? last = null;
        while (DateTime.UtcNow < deadline)
        {
            var leader = await LeaderAsync();
            using var request = new HttpRequestMessage(method, new Uri(leader.Api, $"admin/members/{replica.Name}"));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", AdminToken);
            try
            {
                using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(70) };
                using var response = await client.SendAsync(request);
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                if (response.IsSuccessStatusCode)
                    return;
                if (response.StatusCode is not (HttpStatusCode.MisdirectedRequest or HttpStatusCode.Conflict or HttpStatusCode.ServiceUnavailable))
                    throw new InvalidOperationException($"{method} admin/members/{replica.Name}: {last}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"{method} admin/members/{replica.Name} never succeeded: {last}\n{Diagnostics()}");
    }

    /// <summary>The replica among <paramref name="names"/> that leads and that the others among them follow.</summary>
    public async Task<ReplicaProcess> LeaderAmongAsync(IReadOnlyCollection<string> names, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var group = Replicas.Where(r => names.Contains(r.Name)).ToList();
        ClusterStatus?[] statuses = [];
        while (DateTime.UtcNow < deadline)
        {
            statuses = await Task.WhenAll(group.Select(StatusAsync));
            var leaders = group.Zip(statuses).Where(p => p.Second?.IsLeader == true).Select(p => p.First).ToList();
            if (leaders.Count == 1 && statuses.All(s => s?.LeaderName == leaders[0].Name))
                return leaders[0];
            await Task.Delay(50);
        }
        throw new TimeoutException($"No leader among {string.Join(", ", names)}; they last said: " +
            string.Join("; ", group.Zip(statuses).Select(p => $"{p.First.Name}: {(p.Second is { } s ? $"leader {s.LeaderName ?? s.Leader ?? "none"}, tree {s.TreeSize}" : "no answer")}")));
    }

    public async Task WaitUntilAcceptingAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var (_, jws) = await Events.NextAsync();
            foreach (var replica in RunningMembers)
            {
                try
                {
                    using var response = await Http.SendAsync(Submit(replica, jws));
                    if (response.IsSuccessStatusCode)
                        return;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                }
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("The ledger never accepted an event.");
    }

    public static HttpRequestMessage Submit(ReplicaProcess replica, string jws)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(replica.Api, "entries")) { Content = JsonContent.Create(new { signedEvent = jws }) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ServiceToken);
        return request;
    }

    public async Task<IReadOnlyList<ReplicaKey>> KeysAsync(ReplicaProcess replica) =>
        (await Http.GetFromJsonAsync<KeysView>(new Uri(replica.Api, "replicas/keys")))!.Keys;

    public string Diagnostics() =>
        string.Join("\n\n", Replicas.Select(r => $"--- {r.Name} at {r.Address} ({(r.IsRunning ? "running" : "down")}):\n{r.OutputTail(15)}"));

    /// <summary>
    /// Cuts every link to and from <paramref name="replica"/> (both directions, Raft and HTTP): it keeps running
    /// and answering clients, but cannot reach a peer nor be reached by one.
    /// </summary>
    public void Isolate(ReplicaProcess replica)
    {
        if (!_partitionable)
            throw new InvalidOperationException("Start the cluster with partitionable: true to cut links.");
        foreach (var link in _links.Values.Where(l => l.From == replica.Name || l.To == replica.Name))
            link.Cut();
    }

    /// <summary>Restores every cut link.</summary>
    public void Heal()
    {
        foreach (var link in _links.Values)
            link.Restore();
    }

    private string HostsFile(ReplicaProcess replica) => Path.Combine(_root, $"hosts-{replica.Name}");

    // Each direction of each link has its own loopback address: 127.<subnet>.<100 + from>.<10 + to>.
    private IPAddress LinkAddress(ReplicaProcess from, ReplicaProcess to) =>
        IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"127.{Subnet}.{100 + IndexOf(from)}.{10 + IndexOf(to)}"));

    private int IndexOf(ReplicaProcess replica) => Replicas.ToList().IndexOf(replica);

    /// <summary>
    /// Each replica's own view of the names: itself and, directly or through the link proxy, every peer. Written
    /// whole and renamed, so a replica resolving at that moment reads the old or the new file, never half.
    /// </summary>
    private void WriteHostsFile()
    {
        foreach (var self in Replicas)
        {
            var file = HostsFile(self);
            var temporary = file + ".tmp";
            File.WriteAllLines(temporary, Replicas.Select(r =>
                $"{(r != self && _links.TryGetValue((self.Name, r.Name), out var link) ? link.Address : r.Address)} {r.Name}"));
            File.Move(temporary, file, overwrite: true);
        }
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        listeners.ForEach(l => l.Start());
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        listeners.ForEach(l => l.Stop());
        return ports;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in Replicas)
            replica.Dispose();
        foreach (var link in _links.Values)
            await link.DisposeAsync();
        Http.Dispose();
        _publisherKeys.Dispose();
        _raftAuthority.Dispose();
        foreach (var keys in _institutionKeys.Values)
            keys.Dispose();
        foreach (var authority in _institutionAuthorities.Values)
            authority.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // a killed process's files may still be closing; the OS cleans temp
        }
    }

    public sealed record ClusterStatus(string Replica, bool IsLeader, string? Leader, string? LeaderName, long TreeSize, long? LatestFinalCheckpoint, RaftView? Raft = null);

    public sealed record RaftView(IReadOnlyList<MemberView> Members);

    public sealed record MemberView(string EndPoint);

    /// <summary>Index of the newest snapshot, snapshots taken and installed since the process started.</summary>
    public sealed record SnapshotStatus(long Index, long Taken, long Installed);

    private sealed record KeysView(IReadOnlyList<ReplicaKey> Keys);
}
