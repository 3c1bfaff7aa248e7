using System.Buffers.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto;
using Platform.Crypto.Software;
using Platform.Ledger.Core;
using Platform.Ledger.Replication;
using Platform.Ledger.Tests.State;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Tests.Consortium;

/// <summary>
/// The auditor follows the configuration history the ledger records (docs/consortium.md, "Auditing across a
/// change"): institutions A, B and C found the ledger, admit D, then remove C, all by signed governance entries on a
/// real <see cref="LedgerState"/>; the history it serves is verified from the founding configuration alone, and each
/// checkpoint is judged by the configuration in force at its size.
/// </summary>
public sealed class ConfigurationHistoryAuditTests : IDisposable
{
    private const string LedgerId = "consortium-ledger";
    private const long Now = 1_800_000_000_000;
    private readonly string _directory = Directory.CreateTempSubdirectory("ledger-history-audit-").FullName;
    private readonly SoftwareKeyProvider _keys;
    private long _index;

    public ConfigurationHistoryAuditTests() =>
        _keys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = _directory }, NullLogger<SoftwareKeyProvider>.Instance);

    [Fact]
    public async Task Each_checkpoint_is_judged_by_the_configuration_in_force_at_its_size_after_an_admission_and_a_removal()
    {
        var (state, founding) = await FoundedAsync();
        var first = await CommitAndCloseAsync(state, "a-1", "c-1"); // size 1, final under A, B, C
        await AcceptAsync(state, "admit-d", new GovernanceAction(GovernanceAction.Admit, await MemberAsync("D", "d-1")), "a-1", "b-1");
        var second = await CommitAndCloseAsync(state, "a-1", "b-1", "d-1"); // size 2, three of A, B, C, D
        await AcceptAsync(state, "remove-c", new GovernanceAction(GovernanceAction.Remove, Name: "C"), "a-1", "b-1", "d-1");
        var third = await CommitAndCloseAsync(state, "b-1", "d-1"); // size 3, two of A, B, D: the admitted D counts
        Assert.Equal([1L, 2L, 3L], state.FinalCheckpoints().Select(c => c.Checkpoint.TreeSize));

        // The history as served: two changes, at the tree sizes they took effect, each with its signed documents.
        var history = state.History()!;
        Assert.Equal([(2, 1L, 2), (3, 2L, 3)], history.Changes.Select(c => (c.Version, c.TreeSize, c.Ballots.Count)));
        var (epochs, refused, problem) = history.Verify(founding);
        Assert.Null(problem);
        Assert.Null(refused);
        Assert.Equal([["A", "B", "C"], ["A", "B", "C", "D"], ["A", "B", "D"]], epochs.Select(e => e.Configuration.Members.Select(m => m.Name).ToArray()));

        // C, removed at size 2, signs the size-3 head with A: not a majority of A, B, D, whatever the founding says.
        var lateC = third with { Signatures = [.. await SignaturesAsync(third.Checkpoint, "a-1", "c-1")] };
        ObservedCheckpoint[] observed = [Seen(first), Seen(second), Seen(third), new("member-c", lateC)];
        var (reconciled, configurationFindings) = ConfigurationAudit.Reconcile(founding, [new("member-a", history)]);
        Assert.Empty(configurationFindings);
        var findings = await ForkAudit.RunAsync(reconciled, observed, (from, to) => Proofs(state, from, to));
        var finding = Assert.Single(findings);
        Assert.Equal(ForkAudit.Minority, finding.Kind);
        var evidence = Assert.Single(finding.Checkpoints);
        Assert.Equal(("member-c", 3), (evidence.Source, evidence.ConfigurationVersion));
        Assert.Equal(["A"], evidence.Signers);
        Assert.Contains("configuration version 3", finding.Description);

        // One configuration for everything gets both wrong: C's late signature counts and D's does not.
        var flat = await ForkAudit.RunAsync(founding, observed, (from, to) => Proofs(state, from, to));
        Assert.Equal([third], flat.Select(f => f.Checkpoints[0].Checkpoint));

        // A snapshot keeps the evidence: the restored replica serves the same history.
        using var snapshot = new MemoryStream();
        await state.WriteSnapshotAsync(snapshot, CancellationToken.None);
        var restored = new LedgerState(new LedgerOptions { LedgerId = LedgerId });
        snapshot.Position = 0;
        await restored.RestoreSnapshotAsync(snapshot, CancellationToken.None);
        Assert.Equal(JsonSerializer.Serialize(history), JsonSerializer.Serialize(restored.History()));
    }

    [Fact]
    public async Task A_change_without_a_majority_of_ballots_is_an_unauthorised_configuration_change()
    {
        var (state, founding) = await FoundedAsync();
        await CommitAndCloseAsync(state, "a-1", "b-1");
        var d = await MemberAsync("D", "d-1");
        await AcceptAsync(state, "admit-d", new GovernanceAction(GovernanceAction.Admit, d), "a-1", "b-1");
        var history = state.History()!;
        var change = history.Changes[0];

        // Forgeries a replica could serve: one ballot of three; a ballot in B's name signed with A's key; B's genuine
        // ballot replayed twice; the admitted configuration swapped for another; a history from another founding.
        var aOnly = change with { Ballots = [change.Ballots[0]] };
        var inBsName = change with { Ballots = [change.Ballots[0], await SignedAsync("a-1", Ballot("admit-d", "B"))] };
        var twice = change with { Ballots = [change.Ballots[1], change.Ballots[1]] };
        var swapped = change with { Configuration = change.Configuration with { Members = [.. change.Configuration.Members, await MemberAsync("E", "e-1")] } };
        Assert.Contains("only 1 of the 3 member institutions of version 1 signed a ballot for proposal 'admit-d'; a majority needs 2",
            Refusal(history with { Changes = [aOnly] }, founding));
        Assert.Contains("The document acts for 'B' but is signed by 'A'.", Refusal(history with { Changes = [inBsName] }, founding));
        Assert.Contains("'B' voted twice.", Refusal(history with { Changes = [twice] }, founding));
        Assert.Contains("the configuration served is not the one proposal 'admit-d' gives.", Refusal(history with { Changes = [swapped] }, founding));
        Assert.Contains("founding configuration is not the one given", Refusal(history, founding with { Members = founding.Members.Take(2).ToList() }));

        // As a finding: the change with its documents as evidence, and only the configurations before it are used.
        var (epochs, findings) = ConfigurationAudit.Reconcile(founding, [new("member-a", history with { Changes = [aOnly] })]);
        Assert.Equal([1], epochs.Select(e => e.Version));
        var finding = Assert.Single(findings);
        Assert.Equal(ForkAudit.UnauthorisedChange, finding.Kind);
        Assert.Equal(2, finding.Change!.Version);
        Assert.Contains("member-a", finding.Description);

        // Two histories, each authorised by a majority, that admit D differently: the governance log forked.
        var (other, _) = await FoundedAsync(founding);
        await AcceptAsync(other, "admit-d-by-c", new GovernanceAction(GovernanceAction.Admit, d), "b-1", "c-1");
        var (_, forked) = ConfigurationAudit.Reconcile(founding, [new("member-a", history), new("member-b", other.History()!)]);
        Assert.Equal([ForkAudit.ConflictingConfigurations], forked.Select(f => f.Kind));
        Assert.Contains("part ways at version 2", forked[0].Description);
    }

    private static string Refusal(ConfigurationHistory history, ConsortiumConfiguration anchor) =>
        history.Verify(anchor).Problem ?? throw new Xunit.Sdk.XunitException("The history was accepted.");

    private static ObservedCheckpoint Seen(SignedCheckpoint checkpoint) => new("member-a", checkpoint);

    private static Task<IReadOnlyList<ObservedProof>> Proofs(LedgerState state, long from, long to) =>
        Task.FromResult<IReadOnlyList<ObservedProof>>([new ObservedProof("member-a", state.ConsistencyProof(from, to))]);

    /// <summary>The proposal by the first signer, then a ballot for it by each signer (the last one accepts it).</summary>
    private async Task AcceptAsync(LedgerState state, string id, GovernanceAction action, params string[] replicas)
    {
        var proposer = Institution(replicas[0]);
        Govern(state, await SignedAsync(replicas[0], new GovernancePayload(GovernancePayload.Proposal, LedgerId, id, proposer, [action],
            Now + TimeSpan.FromDays(7).Ticks / TimeSpan.TicksPerMillisecond)));
        foreach (var replica in replicas)
            Govern(state, await SignedAsync(replica, Ballot(id, Institution(replica))));
        Assert.Equal(GovernanceProposal.Accepted, state.Proposal(id)!.Status);
    }

    private static GovernancePayload Ballot(string id, string member) => new(GovernancePayload.Ballot, LedgerId, id, member, Vote: GovernancePayload.For);

    private static string Institution(string replica) => replica[..1].ToUpperInvariant();

    private void Govern(LedgerState state, SignedGovernanceDocument document)
    {
        Apply(state, new GovernanceEntry(document, Now));
        Assert.True(state.TryGetGovernanceOutcome(document, out var refusal));
        Assert.Null(refusal);
    }

    private async Task<SignedCheckpoint> CommitAndCloseAsync(LedgerState state, params string[] signers)
    {
        var (jws, _) = await TestConsentEvents.SignAsync(await Key("consent-events"), null);
        Apply(state, new SubmitEvent(jws));
        Checkpoint? closed = null;
        void Capture(Checkpoint c) => closed = c;
        state.BlockClosed += Capture;
        Apply(state, new CloseBlock(Now));
        state.BlockClosed -= Capture;
        foreach (var replica in signers)
            Apply(state, await LedgerFixture.SignatureAsync(closed!, replica, await Key(replica)));
        var (checkpoint, isFinal) = state.CheckpointAt(closed!.TreeSize)!.Value;
        Assert.True(isFinal, $"the checkpoint at {closed.TreeSize} is not final with {string.Join(", ", signers)}");
        return checkpoint;
    }

    private async Task<IEnumerable<CheckpointSignature>> SignaturesAsync(Checkpoint checkpoint, params string[] replicas)
    {
        var signatures = new List<CheckpointSignature>();
        foreach (var replica in replicas)
        {
            var sign = await LedgerFixture.SignatureAsync(checkpoint, replica, await Key(replica));
            signatures.Add(new CheckpointSignature(sign.Replica, sign.Kid, sign.Signature));
        }
        return signatures;
    }

    private async Task<SignedGovernanceDocument> SignedAsync(string replica, GovernancePayload payload)
    {
        var key = await Key(replica);
        return await SignedGovernanceDocument.SignAsync(payload, replica, key.KeyId, bytes => key.SignAsync(bytes, CancellationToken.None));
    }

    private async Task<(LedgerState State, ConsortiumConfiguration Founding)> FoundedAsync(ConsortiumConfiguration? founding = null)
    {
        var state = new LedgerState(new LedgerOptions { LedgerId = LedgerId, ReplicaCount = 3 });
        Apply(state, new RegisterPublisherKey("consent", (await Key("consent-events")).GetPublicJwk()));
        founding ??= new ConsortiumConfiguration(LedgerId, ConsortiumConfiguration.MajorityOfMembers,
            [await MemberAsync("A", "a-1"), await MemberAsync("B", "b-1"), await MemberAsync("C", "c-1")]);
        Apply(state, new FoundConsortium(founding));
        Assert.NotNull(state.Consortium);
        return (state, founding);
    }

    private async Task<ConsortiumMember> MemberAsync(string name, string replica)
    {
        using var authority = ReplicaCertificateAuthority.Create($"{name} CA", TimeSpan.FromDays(1));
        var jwk = (await Key(replica)).GetPublicJwk();
        return new ConsortiumMember(name, [replica], [new ReplicaKey(replica, jwk.Kid, jwk.Kty, jwk.Crv, jwk.X, jwk.Y)],
            authority.Certificate.ExportCertificatePem());
    }

    private Task<ISigningKey> Key(string name) => _keys.GetSigningKeyAsync(name, CancellationToken.None);

    private void Apply(LedgerState state, LedgerCommand command) => state.Apply(++_index, command.ToBytes());

    public void Dispose()
    {
        _keys.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
