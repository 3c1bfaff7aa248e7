using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto;
using Platform.Crypto.Software;
using Platform.Ledger;
using Platform.Ledger.Replication;
using Platform.Ledger.Verification;
using Platform.Testing;

namespace Platform.Security.Tests;

/// <summary>
/// A focused fixture for the governance corpus: one ledger replica founded as a consortium of one member institution
/// ("Corpus Nord", its own checkpoint key and Raft CA; docs/consortium.md), the real service with the static
/// administrator token, so governance documents meet the consortium's rules instead of <c>not_a_consortium</c>.
/// </summary>
public sealed class ConsortiumLedger : IAsyncLifetime
{
    public const string LedgerId = "security-consortium-ledger";
    public const string Member = "Corpus Nord";
    public const string Replica = "ledger-0";

    private readonly string _root = Directory.CreateTempSubdirectory("platform-security-consortium-").FullName;
    private SoftwareKeyProvider? _keys;

    public string AdminToken { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The member's checkpoint key, the one its replica holds: it signs the governance documents that should pass.</summary>
    public ISigningKey MemberKey { get; private set; } = null!;

    /// <summary>An institution the proposals would admit ("Corpus Sud", its own key and CA): a change the rules accept.</summary>
    public ConsortiumMember Newcomer { get; private set; } = null!;

    public ServiceUnderTest Ledger { get; private set; } = null!;

    public HttpClient Client => Ledger.Client;

    public async Task InitializeAsync()
    {
        var keyDirectory = Path.Combine(_root, "keys");
        _keys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = keyDirectory }, NullLogger<SoftwareKeyProvider>.Instance);
        MemberKey = await _keys.GetSigningKeyAsync(Replica, CancellationToken.None);
        var jwk = MemberKey.GetPublicJwk();

        var raftPort = FreePort.Allocate(1)[0].Port;
        using var authority = ReplicaCertificateAuthority.Create($"{Member} ledger CA", TimeSpan.FromDays(1));
        using (var certificate = authority.Issue(Replica, [], [IPAddress.Loopback], TimeSpan.FromDays(1)))
            ReplicaCertificateAuthority.WritePem(certificate, Path.Combine(_root, "raft.crt"), Path.Combine(_root, "raft.key"));
        var consortium = new ConsortiumConfiguration(LedgerId, ConsortiumConfiguration.MajorityOfMembers,
            [new ConsortiumMember(Member, [Replica], [new ReplicaKey(Replica, jwk.Kid, jwk.Kty, jwk.Crv, jwk.X, jwk.Y)], authority.Certificate.ExportCertificatePem())]);
        var newcomerKey = (await _keys.GetSigningKeyAsync("ledger-9", CancellationToken.None)).GetPublicJwk();
        using (var newcomerAuthority = ReplicaCertificateAuthority.Create("Corpus Sud ledger CA", TimeSpan.FromDays(1)))
        {
            Newcomer = new ConsortiumMember("Corpus Sud", ["ledger-9"],
                [new ReplicaKey("ledger-9", newcomerKey.Kid, newcomerKey.Kty, newcomerKey.Crv, newcomerKey.X, newcomerKey.Y)], newcomerAuthority.Certificate.ExportCertificatePem());
        }
        var file = Path.Combine(_root, "consortium.json");
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(consortium));

        Ledger = await ServiceUnderTest.StartAsync(LedgerService.Build, new Dictionary<string, string?>
        {
            ["Keys:Provider"] = "Software",
            ["Keys:Software:KeyDirectory"] = keyDirectory,
            ["Ledger:LedgerId"] = LedgerId,
            ["Ledger:ReplicaName"] = Replica,
            ["Ledger:Replicas:0:Name"] = Replica,
            ["Ledger:Replicas:0:RaftEndPoint"] = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{raftPort}"),
            ["Ledger:Replicas:0:ApiUrl"] = "http://127.0.0.1/",
            ["Ledger:RaftTls:CertificateFile"] = Path.Combine(_root, "raft.crt"),
            ["Ledger:RaftTls:KeyFile"] = Path.Combine(_root, "raft.key"),
            ["Ledger:Consortium:File"] = file,
            ["Ledger:AdminToken"] = AdminToken,
        });

        // The founding entry is the leader's first: until it is applied the ledger is not a consortium yet.
        await Eventually.TrueAsync(async () => (await Client.GetAsync("/consortium")).StatusCode == HttpStatusCode.OK,
            "the consortium to be founded", TimeSpan.FromSeconds(30));
    }

    /// <summary>The proposal list and the log's size: what a refused governance document must leave as it was.</summary>
    public async Task<string> WrittenStateAsync()
    {
        var proposals = await Client.GetStringAsync("/governance/proposals");
        var size = (await Client.GetFromJsonAsync<JsonElement>("/cluster/status")).GetProperty("treeSize").GetInt64();
        return $"{proposals} treeSize={size}";
    }

    public async Task DisposeAsync()
    {
        await Ledger.DisposeAsync();
        _keys?.Dispose();
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
