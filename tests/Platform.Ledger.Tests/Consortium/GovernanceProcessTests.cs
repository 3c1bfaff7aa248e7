using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto.Software;
using Platform.Ledger.Cli;
using Platform.Ledger.FaultHarness;
using Platform.Ledger.Replication;
using Platform.Ledger.Verification;
using Xunit.Abstractions;

namespace Platform.Ledger.Tests.Consortium;

/// <summary>
/// Governance across three institutions' replicas as processes (docs/consortium.md, "Governance"), driven through
/// `ledger governance` as each institution's operator runs it, signing with the institution's own key provider: a
/// fourth institution admitted by two of three, a proposal backed by a minority that never applies, a forged ballot
/// refused. One cluster for every check, to keep the suite short.
/// </summary>
[Collection(nameof(Faults.ProcessFaultTests))]
public sealed class GovernanceProcessTests(ITestOutputHelper output) : IDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly string _directory = Directory.CreateTempSubdirectory("ledger-governance-cli-").FullName;

    [Fact]
    public async Task A_fourth_institution_is_admitted_by_majority_a_minority_proposal_never_applies_and_a_forged_ballot_is_refused()
    {
        await using var cluster = await FaultCluster.StartAsync(consortium: true);
        var (a, b, c) = (cluster.Replicas[0], cluster.Replicas[1], cluster.Replicas[2]);
        await cluster.WaitUntilAcceptingAsync();
        var tokenFile = Path.Combine(_directory, "admin-token");
        await File.WriteAllTextAsync(tokenFile, FaultCluster.AdminToken);

        // The joining institution: its own key provider and CA, described as the consortium file describes a member.
        using var joinerKeys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = Path.Combine(_directory, "joiner-keys") }, NullLogger<SoftwareKeyProvider>.Instance);
        var jwk = (await joinerKeys.GetSigningKeyAsync("ledger-3", CancellationToken.None)).GetPublicJwk();
        using var joinerCa = ReplicaCertificateAuthority.Create($"{FaultCluster.Institutions[3]} ledger CA", TimeSpan.FromDays(1));
        var joiner = new ConsortiumMember(FaultCluster.Institutions[3], ["ledger-3"], [new ReplicaKey("ledger-3", jwk.Kid, jwk.Kty, jwk.Crv, jwk.X, jwk.Y)],
            joinerCa.Certificate.ExportCertificatePem());
        var joinerFile = Path.Combine(_directory, "joiner.json");
        await File.WriteAllTextAsync(joinerFile, JsonSerializer.Serialize(joiner));

        // Admission: A proposes and votes for; one of three is not enough; B's ballot, relayed by B's own replica, is.
        Assert.Equal(LedgerCli.Valid, await GovernAsync(a, ["propose", "--id", "admit-ouest", "--admit", joinerFile]));
        Assert.Equal(LedgerCli.Valid, await GovernAsync(a, ["vote", "admit-ouest", "for"]));
        Assert.Equal("open", (await ProposalAsync(cluster, c, "admit-ouest")).GetProperty("status").GetString());
        Assert.Equal(3, (await ConsortiumAsync(cluster, c)).Members.Count);
        Assert.Equal(LedgerCli.Valid, await GovernAsync(b, ["vote", "admit-ouest", "for"]));
        foreach (var replica in cluster.Replicas)
        {
            await EventuallyAsync(async () => (await ConsortiumAsync(cluster, replica)).Members.Count == 4, $"{replica.Name} has not applied the admission");
        }
        Assert.Equal("accepted", (await ProposalAsync(cluster, c, "admit-ouest")).GetProperty("status").GetString()); // c applied the change above

        // The ledger goes on: a commit's checkpoint is final under the four-member configuration (three institutions).
        var (eventId, jws) = await cluster.Events.NextAsync();
        using (var submitted = await cluster.Http.SendAsync(FaultCluster.Submit(a, jws)))
            Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var receipt = await ReceiptAsync(cluster, b, eventId);
        var verified = ReceiptVerifier.Verify(receipt, trustedConsortium: await ConsortiumAsync(cluster, a));
        Assert.True(verified.IsValid, verified.Reason);
        Assert.Contains("of 4 member institutions", verified.Reason);

        // A minority: C proposes to remove A; C and the newcomer (its ballot signed with its own key) are two of four.
        Assert.Equal(LedgerCli.Valid, await GovernAsync(c, ["propose", "--id", "remove-nord", "--remove", FaultCluster.Institutions[0]]));
        Assert.Equal(LedgerCli.Valid, await GovernAsync(c, ["vote", "remove-nord", "for"]));
        Assert.Equal(LedgerCli.Valid, await GovernAsync(a, ["vote", "remove-nord", "for"], FaultCluster.Institutions[3], "ledger-3", Path.Combine(_directory, "joiner-keys")));

        // A forged ballot: B's name, C's key. Refused before it reaches the log, and it would be ignored there too.
        var forgedError = new StringWriter();
        Assert.Equal(LedgerCli.Invalid, await GovernAsync(c, ["vote", "remove-nord", "for"], FaultCluster.Institutions[1], c.Name, error: forgedError));
        Assert.Contains("governance_refused", forgedError.ToString());
        Assert.Contains($"signed by '{FaultCluster.Institutions[2]}'", forgedError.ToString());

        // B is a follower: it applies the two ballots (relayed by C's and A's replicas) when the commit reaches it.
        await EventuallyAsync(async () => (await ProposalAsync(cluster, b, "remove-nord")).GetProperty("ballots").EnumerateObject().Count() == 2,
            "B's replica has not applied the two ballots");
        var minority = await ProposalAsync(cluster, b, "remove-nord");
        Assert.Equal("open", minority.GetProperty("status").GetString());
        Assert.Equal(2, minority.GetProperty("ballots").EnumerateObject().Count());
        Assert.Contains((await ConsortiumAsync(cluster, b)).Members, m => m.Name == FaultCluster.Institutions[0]);

        // A and B vote against: a majority can no longer be reached; A stays a member.
        Assert.Equal(LedgerCli.Valid, await GovernAsync(a, ["vote", "remove-nord", "against"]));
        Assert.Equal(LedgerCli.Valid, await GovernAsync(b, ["vote", "remove-nord", "against"]));
        await EventuallyAsync(async () => (await ProposalAsync(cluster, a, "remove-nord")).GetProperty("status").GetString() == "rejected",
            "the proposal backed by a minority was not rejected on A's replica");
        Assert.Equal(4, (await ConsortiumAsync(cluster, a)).Members.Count);
        var late = new StringWriter();
        Assert.Equal(LedgerCli.Invalid, await GovernAsync(c, ["vote", "remove-nord", "for"], FaultCluster.Institutions[2], c.Name, error: late));
        output.WriteLine(late.ToString());
    }

    /// <summary>`ledger governance VERB ...` as the operator of the institution running <paramref name="replica"/> (or acting as <paramref name="member"/> with another key).</summary>
    private async Task<int> GovernAsync(ReplicaProcess replica, string[] verb, string? member = null, string? signingReplica = null,
        string? keyDirectory = null, StringWriter? error = null)
    {
        var index = replica.Name[^1] - '0';
        signingReplica ??= replica.Name;
        keyDirectory ??= Path.Combine(Path.GetDirectoryName(replica.DataDirectory)!, signingReplica, "keys");
        var keys = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Provider"] = "Software",
            ["Software:KeyDirectory"] = keyDirectory,
        }).Build();
        var stdout = new StringWriter();
        error ??= new StringWriter();
        var exit = await GovernanceCommand.RunAsync(["governance", .. verb, "--url", replica.Api.ToString(), "--token-file", Path.Combine(_directory, "admin-token"),
            "--ledger-id", "fault-harness-ledger", "--member", member ?? FaultCluster.Institutions[index], "--replica", signingReplica], stdout, error, keys);
        output.WriteLine($"governance {string.Join(' ', verb)} ({member ?? FaultCluster.Institutions[index]}) → {exit}\n{stdout}{error}");
        return exit;
    }

    private static async Task<JsonElement> ProposalAsync(FaultCluster cluster, ReplicaProcess replica, string id)
    {
        JsonElement proposal = default;
        await EventuallyAsync(async () =>
        {
            using var response = await cluster.Http.GetAsync(new Uri(replica.Api, $"governance/proposals/{id}"));
            if (response.StatusCode != HttpStatusCode.OK)
                return false;
            proposal = await response.Content.ReadFromJsonAsync<JsonElement>();
            return true;
        }, $"{replica.Name} does not know proposal {id}");
        return proposal;
    }

    private static async Task<ConsortiumConfiguration> ConsortiumAsync(FaultCluster cluster, ReplicaProcess replica) =>
        (await cluster.Http.GetFromJsonAsync<ConsortiumConfiguration>(new Uri(replica.Api, "consortium"), Web))!;

    private static async Task<Receipt> ReceiptAsync(FaultCluster cluster, ReplicaProcess replica, Guid eventId)
    {
        Receipt? receipt = null;
        await EventuallyAsync(async () =>
        {
            using var response = await cluster.Http.GetAsync(new Uri(replica.Api, $"events/{eventId}/receipt"));
            receipt = response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<Receipt>(Web) : null;
            return receipt is not null;
        }, $"no receipt for {eventId}\n{cluster.Diagnostics()}");
        return receipt!;
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(100);
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
