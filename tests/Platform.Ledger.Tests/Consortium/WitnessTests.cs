using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto;
using Platform.Crypto.Software;
using Platform.Ledger.Cli;
using Platform.Ledger.Merkle;
using Platform.Ledger.Replication;
using Platform.Ledger.Tests.State;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Tests.Consortium;

/// <summary>
/// <c>ledger audit</c> as a witness: institutions A, B, C sign checkpoints of one log (real keys, a real Merkle tree
/// behind a member's <c>/checkpoints</c> and <c>/proofs/consistency</c>); the witness keeps its last consistent head,
/// asks only for the feed after it, and cosigns — or refuses, keeping its state, when the member forks.
/// </summary>
public sealed class WitnessTests : IDisposable
{
    private const string LedgerId = "consortium-ledger";
    private readonly string _directory = Directory.CreateTempSubdirectory("ledger-witness-").FullName;
    private readonly SoftwareKeyProvider _keys;
    private readonly MerkleTree _log = new();
    private readonly List<SignedCheckpoint> _published = [];
    private readonly List<string> _requests = [];
    private ConsortiumConfiguration? _consortium;

    public WitnessTests() =>
        _keys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = _directory }, NullLogger<SoftwareKeyProvider>.Instance);

    [Fact]
    public async Task The_witness_cosigns_the_newest_consistent_head_then_asks_only_for_the_feed_after_it()
    {
        var (consortium, witnessKey, state) = await SetUpAsync();
        await GrowAsync(2);
        await GrowAsync(3);

        var (exit, report) = await WitnessAsync(consortium, witnessKey, state);
        Assert.Equal(LedgerCli.Valid, exit);
        Assert.Contains("/checkpoints", _requests);
        var cosignature = Cosignature(report);
        Assert.Equal(3, cosignature.Checkpoint.TreeSize);

        // A third party with the witness's public key checks it; moved to another head, it no longer verifies.
        using var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(witnessKey));
        var trusted = WitnessKey.From(key);
        var verified = cosignature.Verify(trusted);
        Assert.True(verified.IsValid, verified.Reason);
        Assert.False((cosignature with { Checkpoint = cosignature.Checkpoint with { TreeSize = 2 } }).Verify(trusted).IsValid);
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.False(cosignature.Verify(WitnessKey.From(stranger)).IsValid);

        // The next run fetches only what follows size 3 and proves that size 5 extends it.
        await GrowAsync(5);
        _requests.Clear();
        (exit, report) = await WitnessAsync(consortium, witnessKey, state);
        Assert.Equal(LedgerCli.Valid, exit);
        Assert.Contains("/checkpoints?after=3", _requests);
        Assert.DoesNotContain("/checkpoints", _requests);
        Assert.Contains("/proofs/consistency?from=3&to=5", _requests);
        Assert.Equal(3, report.RootElement.GetProperty("witness").GetProperty("previousHead").GetInt64());
        Assert.Equal(5, Cosignature(report).Checkpoint.TreeSize);
    }

    [Fact]
    public async Task On_a_fork_the_witness_cosigns_nothing_reports_the_evidence_and_keeps_its_last_consistent_head()
    {
        var (consortium, witnessKey, state) = await SetUpAsync();
        await GrowAsync(4);
        Assert.Equal(LedgerCli.Valid, (await WitnessAsync(consortium, witnessKey, state)).Exit);
        var kept = await File.ReadAllBytesAsync(state);

        // The member rewrites history: a majority (B, C) signs size 6 of another log that does not extend size 4.
        var fork = new MerkleTree();
        for (var i = 0; i < 6; i++)
            fork.AppendEntry([(byte)(100 + i)]);
        _published.Add(await SignedAsync(new Checkpoint(LedgerId, 6, System.Buffers.Text.Base64Url.EncodeToString(fork.Root()), 1_800_000_000_006), "b-1", "c-1"));

        var (exit, report) = await WitnessAsync(consortium, witnessKey, state);
        Assert.Equal(LedgerCli.Invalid, exit);
        var finding = Assert.Single(report.RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal(ForkAudit.Inconsistent, finding.GetProperty("kind").GetString());
        Assert.Equal([4L, 6L], finding.GetProperty("checkpoints").EnumerateArray().Select(c => c.GetProperty("checkpoint").GetProperty("checkpoint").GetProperty("treeSize").GetInt64()));
        var witness = report.RootElement.GetProperty("witness");
        Assert.False(witness.GetProperty("cosigned").GetBoolean());
        Assert.False(witness.TryGetProperty("cosignature", out _));
        Assert.Equal(kept, await File.ReadAllBytesAsync(state));
    }

    [Fact]
    public async Task A_witness_needs_its_name_key_and_state_together_and_refuses_another_witness_state()
    {
        var (consortium, witnessKey, state) = await SetUpAsync();
        await GrowAsync(1);
        var stderr = new StringWriter();
        Assert.Equal(LedgerCli.Unusable, await AuditCommand.RunAsync(
            ["audit", "--consortium", consortium, "--witness-key", witnessKey, "http://member-a/"], TextWriter.Null, stderr, new Member(this)));
        Assert.Contains("--witness-name, --witness-key and --state together", stderr.ToString(), StringComparison.Ordinal);

        await File.WriteAllTextAsync(state, """{"witness":"someone-else","ledgers":{}}""");
        stderr = new StringWriter();
        Assert.Equal(LedgerCli.Unusable, await AuditCommand.RunAsync(
            ["audit", "--consortium", consortium, "--witness-name", "witness-1", "--witness-key", witnessKey, "--state", state, "http://member-a/"],
            TextWriter.Null, stderr, new Member(this)));
        Assert.Contains("is the state of witness 'someone-else'", stderr.ToString(), StringComparison.Ordinal);
    }

    private async Task<(int Exit, JsonDocument Report)> WitnessAsync(string consortium, string witnessKey, string state)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await AuditCommand.RunAsync(
            ["audit", "--consortium", consortium, "--witness-name", "witness-1", "--witness-key", witnessKey, "--state", state, "http://member-a/"],
            stdout, stderr, new Member(this));
        Assert.True(exit != LedgerCli.Unusable, stderr.ToString());
        return (exit, JsonDocument.Parse(stdout.ToString()));
    }

    private static WitnessCosignature Cosignature(JsonDocument report)
    {
        var witness = report.RootElement.GetProperty("witness");
        Assert.True(witness.GetProperty("cosigned").GetBoolean());
        return witness.GetProperty("cosignature").Deserialize<WitnessCosignature>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    // Appends entries up to the size and publishes its checkpoint, signed by A and B (a majority of three).
    private async Task GrowAsync(long size)
    {
        while (_log.Size < size)
            _log.AppendEntry([(byte)_log.Size]);
        _published.Add(await SignedAsync(new Checkpoint(LedgerId, size, System.Buffers.Text.Base64Url.EncodeToString(_log.Root()), 1_800_000_000_000 + size), "a-1", "b-1"));
    }

    private async Task<(string Consortium, string WitnessKey, string State)> SetUpAsync()
    {
        async Task<ConsortiumMember> Member(string name, string replica)
        {
            using var authority = ReplicaCertificateAuthority.Create($"{name} CA", TimeSpan.FromDays(1));
            var jwk = (await Key(replica)).GetPublicJwk();
            return new ConsortiumMember(name, [replica], [new ReplicaKey(replica, jwk.Kid, jwk.Kty, jwk.Crv, jwk.X, jwk.Y)], authority.Certificate.ExportCertificatePem());
        }
        var consortium = new ConsortiumConfiguration(LedgerId, ConsortiumConfiguration.MajorityOfMembers,
            [await Member("A", "a-1"), await Member("B", "b-1"), await Member("C", "c-1")]);
        _consortium = consortium;
        var consortiumFile = Path.Combine(_directory, "consortium.json");
        await File.WriteAllTextAsync(consortiumFile, JsonSerializer.Serialize(consortium));
        var witnessKey = Path.Combine(_directory, "witness.pem");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
            await File.WriteAllTextAsync(witnessKey, key.ExportPkcs8PrivateKeyPem());
        return (consortiumFile, witnessKey, Path.Combine(_directory, "witness-state.json"));
    }

    private async Task<SignedCheckpoint> SignedAsync(Checkpoint checkpoint, params string[] replicas)
    {
        var signatures = new List<CheckpointSignature>();
        foreach (var replica in replicas)
        {
            var signed = await LedgerFixture.SignatureAsync(checkpoint, replica, await Key(replica));
            signatures.Add(new CheckpointSignature(signed.Replica, signed.Kid, signed.Signature));
        }
        return new SignedCheckpoint(checkpoint, signatures);
    }

    private Task<ISigningKey> Key(string name) => _keys.GetSigningKeyAsync(name, CancellationToken.None);

    /// <summary>A member replica's public read API over the test's log, as LedgerEndpoints answers it.</summary>
    private sealed class Member(WitnessTests test) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.PathAndQuery;
            test._requests.Add(path);
            var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query);
            object body = request.RequestUri.AbsolutePath switch
            {
                "/checkpoints" => new
                {
                    checkpoints = test._published.Where(c => query["after"] is not { } after || c.Checkpoint.TreeSize > long.Parse(after, System.Globalization.CultureInfo.InvariantCulture)),
                },
                "/consortium/history" => new ConfigurationHistory(LedgerId, test._consortium!, []), // never changed
                "/proofs/consistency" => new
                {
                    proof = test._log.ConsistencyProof(long.Parse(query["from"]!, System.Globalization.CultureInfo.InvariantCulture),
                        Math.Min(test._log.Size, long.Parse(query["to"]!, System.Globalization.CultureInfo.InvariantCulture))).Select(n => System.Buffers.Text.Base64Url.EncodeToString(n)),
                },
                _ => throw new InvalidOperationException(path),
            };
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = System.Net.Http.Json.JsonContent.Create(body) });
        }
    }

    public void Dispose()
    {
        _keys.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
