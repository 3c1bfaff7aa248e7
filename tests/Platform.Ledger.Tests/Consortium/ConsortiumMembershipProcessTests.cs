using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Platform.Ledger.Cli;
using Platform.Ledger.Core;
using Platform.Ledger.FaultHarness;
using Platform.Ledger.Verification;
using Xunit.Abstractions;

namespace Platform.Ledger.Tests.Consortium;

/// <summary>
/// The Raft membership and the Raft TLS trust follow the consortium's governance (docs/consortium.md, "Membership
/// follows governance"), with three founding institutions' replicas as processes and a fourth institution's replica
/// that nobody's configuration lists: admitted by two of three, it is added to Raft by the leader without a restart
/// of the others and signs; a removed institution's replica leaves Raft, its CA is refused and its signatures do
/// not count; a certificate from one member's CA naming another member's replica is refused. One cluster for every
/// check, to keep the suite short.
/// </summary>
[Collection(nameof(Faults.ProcessFaultTests))]
public sealed class ConsortiumMembershipProcessTests(ITestOutputHelper output) : IDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly string _directory = Directory.CreateTempSubdirectory("ledger-consortium-membership-").FullName;

    [Fact]
    public async Task Raft_membership_and_TLS_trust_follow_accepted_proposals_and_certificates_are_bound_to_their_institution()
    {
        await using var cluster = await FaultCluster.StartAsync(consortium: true, total: 4, initial: 3);
        var (a, b, c, d) = (cluster.Replicas[0], cluster.Replicas[1], cluster.Replicas[2], cluster.Replicas[3]);
        await File.WriteAllTextAsync(Path.Combine(_directory, "admin-token"), FaultCluster.AdminToken);

        // Bound certificates: B's CA may certify B's replica, not A's; D's CA is no member's yet.
        Assert.False(await ConsortiumProcessTests.HandshakeAsync(c, cluster.InstitutionAuthority(b), a.Name), "B's CA certified A's replica");
        Assert.True(await ConsortiumProcessTests.HandshakeAsync(c, cluster.InstitutionAuthority(b), b.Name), "B's CA could not certify B's replica");
        Assert.False(await ConsortiumProcessTests.HandshakeAsync(a, cluster.InstitutionAuthority(d), d.Name), "a non-member's CA was trusted");

        // The joining institution starts its replica (outside Raft) with the configuration that admits it, and asks
        // to be admitted with its key, its CA and where its replica is: no founder lists ledger-3 anywhere.
        // Its entry comes from `ledger member-entry` over its own key directory: the key its replica signs with.
        var joinerCa = Path.Combine(_directory, "joiner-ca.pem");
        await File.WriteAllTextAsync(joinerCa, cluster.InstitutionAuthority(d).Certificate.ExportCertificatePem());
        var entry = new StringWriter();
        var entryError = new StringWriter();
        Assert.Equal(LedgerCli.Valid, await MemberEntryCommand.RunAsync(["member-entry", "--name", FaultCluster.Institutions[3], "--replica", d.Name,
            "--endpoint", FormattableString.Invariant($"{d.Name}:{d.RaftPort}"), "--api-url", FormattableString.Invariant($"http://{d.Name}:{d.ApiPort}/"), "--ca", joinerCa], entry, entryError,
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Provider"] = "Software",
                ["Software:KeyDirectory"] = Path.Combine(d.DataDirectory, "keys"),
            }).Build()));
        var joiner = JsonSerializer.Deserialize<ConsortiumMember>(entry.ToString(), Web)!;
        Assert.Equal(JsonSerializer.Serialize(await cluster.InstitutionMemberAsync(d)), JsonSerializer.Serialize(joiner));
        var joinerFile = Path.Combine(_directory, "joiner.json");
        await File.WriteAllTextAsync(joinerFile, entry.ToString());
        var admitted = cluster.Consortium! with { Members = [.. cluster.Consortium!.Members, joiner] };
        await cluster.StartJoiningAsync(d, admitted);
        Assert.Equal(LedgerCli.Valid, await GovernAsync(a, ["propose", "--id", "admit-ouest", "--admit", joinerFile]));
        Assert.Equal(LedgerCli.Valid, await GovernAsync(a, ["vote", "admit-ouest", "for"]));
        Assert.Equal(LedgerCli.Valid, await GovernAsync(b, ["vote", "admit-ouest", "for"]));

        // The leader adds it; every replica, the newcomer included, sees four Raft members; nobody was restarted.
        foreach (var replica in new[] { a, b, c, d })
            await EventuallyAsync(async () => (await MembersAsync(cluster, replica)).Count == 4, $"{replica.Name} does not see four Raft members\n{cluster.Diagnostics()}");
        await d.WaitReadyAsync(cluster.Http, FaultCluster.StartTimeout);
        Assert.Equal(JsonSerializer.Serialize(admitted), JsonSerializer.Serialize(await ConsortiumAsync(cluster, a)));
        // A replica takes up the trust of the configuration in force on its own loop (ConsortiumMembership's
        // FollowTrustAsync, every 250 ms), apart from the leader's membership changes, so A may trust D's CA a moment
        // after the membership shows D.
        await EventuallyAsync(() => ConsortiumProcessTests.HandshakeAsync(a, cluster.InstitutionAuthority(d), d.Name), "the admitted institution's CA is not trusted");

        // Its signature counts: with C's replica stopped, a checkpoint is final only with A's, B's and D's.
        c.Kill();
        var receipt = await CommitAsync(cluster, a, d);
        var signers = ConsortiumVerifier.Signers(receipt.Checkpoint, admitted);
        Assert.Contains(FaultCluster.Institutions[3], signers);
        Assert.True(ConsortiumVerifier.VerifyQuorum(receipt.Checkpoint, admitted).IsValid);
        await cluster.RestartAsync(c);

        // C's institution is removed by A, B and D (three of four): its replica leaves the Raft membership.
        Assert.Equal(LedgerCli.Valid, await GovernAsync(a, ["propose", "--id", "remove-est", "--remove", FaultCluster.Institutions[2]]));
        Assert.Equal(LedgerCli.Valid, await GovernAsync(a, ["vote", "remove-est", "for"]));
        Assert.Equal(LedgerCli.Valid, await GovernAsync(b, ["vote", "remove-est", "for"]));
        Assert.Equal(LedgerCli.Valid, await GovernAsync(d, ["vote", "remove-est", "for"], FaultCluster.Institutions[3], d.Name, Path.Combine(d.DataDirectory, "keys")));
        foreach (var replica in new[] { a, b, d })
        {
            await EventuallyAsync(async () => (await MembersAsync(cluster, replica)).SequenceEqual(["ledger-0", "ledger-1", "ledger-3"]),
                $"{replica.Name} still has C's replica in Raft\n{cluster.Diagnostics()}");
        }
        cluster.Forget(c);
        var remaining = await ConsortiumAsync(cluster, a);
        Assert.Equal([FaultCluster.Institutions[0], FaultCluster.Institutions[1], FaultCluster.Institutions[3]], remaining.Members.Select(m => m.Name));
        // As above: A drops C's CA on its trust loop, which may run a moment after the membership without C shows.
        await EventuallyAsync(async () => !await ConsortiumProcessTests.HandshakeAsync(a, cluster.InstitutionAuthority(c), c.Name), "the removed institution's CA is still trusted");

        // The ledger goes on without it, and a signature it still makes (relayed as a replica would) does not count.
        var after = await CommitAsync(cluster, b, a);
        Assert.True(ConsortiumVerifier.VerifyQuorum(after.Checkpoint, remaining).IsValid);
        var latest = (await cluster.Http.GetFromJsonAsync<SignedCheckpoint>(new Uri(a.Api, "checkpoints/latest"), Web))!;
        var cKey = await cluster.InstitutionKeyAsync(c);
        var late = new SignCheckpoint(latest.Checkpoint.TreeSize, c.Name, cKey.KeyId,
            System.Buffers.Text.Base64Url.EncodeToString(await cKey.SignAsync(latest.Checkpoint.SigningBytes(), CancellationToken.None)));
        var leader = await cluster.LeaderAsync();
        using (var relay = new HttpRequestMessage(HttpMethod.Post, new Uri(leader.Api, "internal/commands")) { Content = new ByteArrayContent(late.ToBytes()) })
        {
            relay.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            // Relayed as a remaining member's replica relays what it is given: signed with its Raft TLS key.
            using var relayer = cluster.RaftCertificate(a);
            Platform.Ledger.Node.ForwardSignature.Sign(relay, relayer, cluster.Consortium!.LedgerId, late.ToBytes(), DateTimeOffset.UtcNow);
            using var relayed = await cluster.Http.SendAsync(relay);
            Assert.True(relayed.IsSuccessStatusCode, $"the relay was not appended: {(int)relayed.StatusCode}");
        }
        await CommitAsync(cluster, a, b); // the relayed entry is applied everywhere before this one
        foreach (var replica in new[] { a, b, d })
        {
            var view = await cluster.Http.GetFromJsonAsync<JsonElement>(new Uri(replica.Api, $"checkpoints/{latest.Checkpoint.TreeSize}"));
            Assert.DoesNotContain(view.GetProperty("signatures").EnumerateArray(), s => s.GetProperty("replica").GetString() == c.Name);
        }

        // `ledger audit` over the remaining members in ONE run, given only the founding file: it takes the history
        // (two changes) from the replicas, verifies its ballots itself and judges each checkpoint by the configuration
        // in force at its size, so neither the admission nor the removal makes it report anything.
        var founding = Path.Combine(_directory, "founding.json");
        await File.WriteAllTextAsync(founding, JsonSerializer.Serialize(cluster.Consortium));
        string[] urls = [a.Api.ToString(), b.Api.ToString(), d.Api.ToString()];
        var (exit, report) = await AuditAsync(["audit", "--consortium", founding, .. urls]);
        output.WriteLine(report.ToString());
        Assert.Equal(LedgerCli.Valid, exit);
        Assert.Equal("consistent", report.GetProperty("verdict").GetString());
        Assert.Equal([1, 2, 3], report.GetProperty("configurations").EnumerateArray().Select(c => c.GetProperty("version").GetInt32()));
        Assert.Equal([FaultCluster.Institutions[0], FaultCluster.Institutions[1], FaultCluster.Institutions[3]],
            report.GetProperty("configurations")[2].GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        Assert.True(report.GetProperty("checkpointsSeen").GetInt32() >= 3, report.ToString());

        // A witness over the same replicas follows the same history and cosigns the newest head.
        var witnessKey = Path.Combine(_directory, "witness.pem");
        using (var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
            await File.WriteAllTextAsync(witnessKey, key.ExportPkcs8PrivateKeyPem());
        var (witnessExit, witnessed) = await AuditAsync(["audit", "--consortium", founding, "--witness-name", "witness-1", "--witness-key", witnessKey,
            "--state", Path.Combine(_directory, "witness-state.json"), .. urls]);
        Assert.Equal(LedgerCli.Valid, witnessExit);
        Assert.True(witnessed.GetProperty("witness").GetProperty("cosigned").GetBoolean(), witnessed.ToString());
    }

    private static async Task<(int Exit, JsonElement Report)> AuditAsync(string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await AuditCommand.RunAsync(args, stdout, stderr);
        Assert.True(exit != LedgerCli.Unusable, stderr.ToString());
        return (exit, JsonDocument.Parse(stdout.ToString()).RootElement.Clone());
    }

    /// <summary>Commits a fresh event through <paramref name="via"/> and returns its receipt as <paramref name="from"/> serves it.</summary>
    private static async Task<Receipt> CommitAsync(FaultCluster cluster, ReplicaProcess via, ReplicaProcess from)
    {
        // Right after a replica was stopped, an election can outlast the commit timeout on a loaded machine: the
        // write is retried (the same event: a repeat that got in is a duplicate, 200).
        var (eventId, jws) = await cluster.Events.NextAsync();
        await cluster.LeaderAsync(TimeSpan.FromSeconds(60));
        var status = HttpStatusCode.ServiceUnavailable;
        await EventuallyAsync(async () =>
        {
            using var submitted = await cluster.Http.SendAsync(FaultCluster.Submit(via, jws));
            status = submitted.StatusCode;
            return status != HttpStatusCode.ServiceUnavailable;
        }, $"no majority committed {eventId}\n{cluster.Diagnostics()}");
        Assert.True(status is HttpStatusCode.Created or HttpStatusCode.OK, $"the write was answered {status}");
        Receipt? receipt = null;
        await EventuallyAsync(async () =>
        {
            using var response = await cluster.Http.GetAsync(new Uri(from.Api, $"events/{eventId}/receipt"));
            receipt = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<Receipt>(Web) : null;
            return receipt is not null;
        }, $"no receipt for {eventId} from {from.Name}\n{cluster.Diagnostics()}");
        return receipt!;
    }

    /// <summary>The Raft members a replica reports, by name.</summary>
    private static async Task<IReadOnlyList<string>> MembersAsync(FaultCluster cluster, ReplicaProcess replica)
    {
        try
        {
            var status = await cluster.Http.GetFromJsonAsync<JsonElement>(new Uri(replica.Api, "cluster/status"));
            return [.. status.GetProperty("raft").GetProperty("members").EnumerateArray()
                .Select(m => m.TryGetProperty("name", out var name) && name.GetString() is { } n ? n : m.GetProperty("endPoint").GetString()!.Split(':')[0])
                .Order(StringComparer.Ordinal)];
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException)
        {
            return [];
        }
    }

    /// <summary>`ledger governance VERB ...` as the operator of the institution running <paramref name="replica"/> (or acting as <paramref name="member"/> with another key).</summary>
    private async Task<int> GovernAsync(ReplicaProcess replica, string[] verb, string? member = null, string? signingReplica = null, string? keyDirectory = null)
    {
        var index = replica.Name[^1] - '0';
        signingReplica ??= replica.Name;
        keyDirectory ??= Path.Combine(replica.DataDirectory, "keys");
        var keys = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Provider"] = "Software",
            ["Software:KeyDirectory"] = keyDirectory,
        }).Build();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await GovernanceCommand.RunAsync(["governance", .. verb, "--url", replica.Api.ToString(), "--token-file", Path.Combine(_directory, "admin-token"),
            "--ledger-id", "fault-harness-ledger", "--member", member ?? FaultCluster.Institutions[index], "--replica", signingReplica], stdout, stderr, keys);
        output.WriteLine($"governance {string.Join(' ', verb)} ({member ?? FaultCluster.Institutions[index]}) → {exit}\n{stdout}{stderr}");
        return exit;
    }

    private static async Task<ConsortiumConfiguration> ConsortiumAsync(FaultCluster cluster, ReplicaProcess replica) =>
        (await cluster.Http.GetFromJsonAsync<ConsortiumConfiguration>(new Uri(replica.Api, "consortium"), Web))!;

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(200);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
