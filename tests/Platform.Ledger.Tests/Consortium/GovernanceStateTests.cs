using System.Buffers.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto;
using Platform.Crypto.Software;
using Platform.Ledger.Core;
using Platform.Ledger.Replication;
using Platform.Ledger.Tests.State;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Tests.Consortium;

/// <summary>
/// Governance in the state machine, entry by entry (no Raft): institutions A, B and C (one replica each) propose and
/// vote with documents signed by their checkpoint keys; D is the institution asking to join.
/// </summary>
public sealed class GovernanceStateTests : IDisposable
{
    private const long Now = 1_800_000_000_000;
    private readonly string _directory = Directory.CreateTempSubdirectory("ledger-governance-").FullName;
    private readonly SoftwareKeyProvider _keys;
    private long _index;

    public GovernanceStateTests() =>
        _keys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = _directory }, NullLogger<SoftwareKeyProvider>.Instance);

    [Fact]
    public async Task A_fourth_institution_is_admitted_by_a_majority_then_counts_and_the_snapshot_keeps_it()
    {
        var state = await FoundedAsync();
        var d = await MemberAsync("D", "d-1");
        await GovernAsync(state, "a-1", Proposal("admit-d", "A", new GovernanceAction(GovernanceAction.Admit, d)));
        await GovernAsync(state, "a-1", Ballot("admit-d", "A", GovernancePayload.For));
        Assert.Equal(GovernanceProposal.Open, state.Proposal("admit-d")!.Status); // one of three is not a majority
        Assert.Equal(1, state.ConfigurationVersion);

        await GovernAsync(state, "b-1", Ballot("admit-d", "B", GovernancePayload.For));
        Assert.Equal(GovernanceProposal.Accepted, state.Proposal("admit-d")!.Status);
        Assert.Equal(2, state.ConfigurationVersion);
        Assert.Equal(["A", "B", "C", "D"], state.Consortium!.Members.Select(m => m.Name));
        Assert.Contains(state.ReplicaKeys(), k => k.Replica == "d-1");

        // Four members: final at three institutions, and D's signature is one of them.
        var (jws, payload) = await TestConsentEvents.SignAsync(await Key("consent-events"), null);
        Apply(state, new SubmitEvent(jws));
        var checkpoint = Close(state);
        Apply(state, await SignAsync(checkpoint, "c-1"));
        Apply(state, await SignAsync(checkpoint, "d-1"));
        Assert.Equal(ReceiptStatus.Pending, state.ReceiptFor(payload.EventId).Status);
        Apply(state, await SignAsync(checkpoint, "b-1"));
        var verified = ReceiptVerifier.Verify(state.ReceiptFor(payload.EventId).Receipt!, trustedConsortium: state.Consortium);
        Assert.True(verified.IsValid, verified.Reason);
        Assert.Contains("signed by 3 of 4 member institutions: B, C, D.", verified.Reason);

        using var snapshot = new MemoryStream();
        await state.WriteSnapshotAsync(snapshot, CancellationToken.None);
        Assert.Equal(LedgerState.GovernedSnapshotVersion, snapshot.ToArray()[0]);
        var restored = new LedgerState(new LedgerOptions { LedgerId = LedgerId });
        snapshot.Position = 0;
        await restored.RestoreSnapshotAsync(snapshot, CancellationToken.None);
        Assert.Equal(2, restored.ConfigurationVersion);
        Assert.Equal(["A", "B", "C", "D"], restored.Consortium!.Members.Select(m => m.Name));
        Assert.Equal(new Dictionary<string, string> { ["A"] = "for", ["B"] = "for" }, restored.Proposal("admit-d")!.Ballots);
    }

    [Fact]
    public async Task A_minority_never_changes_the_configuration_and_a_closed_proposal_takes_no_more_ballots()
    {
        var state = await FoundedAsync();
        await GovernAsync(state, "a-1", Proposal("remove-c", "A", new GovernanceAction(GovernanceAction.Remove, Name: "C")));
        await GovernAsync(state, "a-1", Ballot("remove-c", "A", GovernancePayload.For));
        Assert.Equal("'A' has voted on proposal 'remove-c' already.",
            await GovernAsync(state, "a-1", Ballot("remove-c", "A", GovernancePayload.For))); // an institution counts once
        Assert.Equal(GovernanceProposal.Open, state.Proposal("remove-c")!.Status);

        await GovernAsync(state, "c-1", Ballot("remove-c", "C", GovernancePayload.Against));
        await GovernAsync(state, "b-1", Ballot("remove-c", "B", GovernancePayload.Against));
        Assert.Equal(GovernanceProposal.Rejected, state.Proposal("remove-c")!.Status);
        Assert.Equal(1, state.ConfigurationVersion);
        Assert.Contains(state.Consortium!.Members, m => m.Name == "C");

        // Expiry is by the ledger's clock (leader timestamps in the log), the same on every replica.
        await GovernAsync(state, "b-1", Proposal("rotate-b", "B", new GovernanceAction(GovernanceAction.Rotate, await MemberAsync("B", "b-1"))));
        await GovernAsync(state, "b-1", Ballot("rotate-b", "B", GovernancePayload.For));
        var late = await GovernAsync(state, "c-1", Ballot("rotate-b", "C", GovernancePayload.For), Now + TimeSpan.FromDays(8).Ticks / TimeSpan.TicksPerMillisecond);
        Assert.Equal("Proposal 'rotate-b' is not open (it is expired).", late);
        Assert.Equal(GovernanceProposal.Expired, state.Proposal("rotate-b")!.Status);
        Assert.Equal(1, state.ConfigurationVersion);
    }

    [Fact]
    public async Task Forged_ballots_are_refused_and_only_the_proposer_withdraws()
    {
        var state = await FoundedAsync();
        await GovernAsync(state, "a-1", Proposal("admit-d", "A", new GovernanceAction(GovernanceAction.Admit, await MemberAsync("D", "d-1"))));
        await GovernAsync(state, "a-1", Ballot("admit-d", "A", GovernancePayload.For));

        // A's key voting in B's name, a ballot whose payload was changed after signing, and a non-member's key.
        Assert.Equal("The document acts for 'B' but is signed by 'A'.", await GovernAsync(state, "a-1", Ballot("admit-d", "B", GovernancePayload.For)));
        var genuine = await SignedAsync("c-1", Ballot("admit-d", "C", GovernancePayload.Against));
        var tampered = genuine with { Payload = Base64Url.EncodeToString(SignedGovernanceDocument.PayloadBytes(Ballot("admit-d", "C", GovernancePayload.For))) };
        Assert.Equal("The signature is not a valid signature by a checkpoint key of a member institution.", Govern(state, tampered));
        Assert.Equal("The signature is not a valid signature by a checkpoint key of a member institution.",
            await GovernAsync(state, "d-1", Ballot("admit-d", "D", GovernancePayload.For)));
        var proposal = state.Proposal("admit-d")!;
        Assert.Equal(GovernanceProposal.Open, proposal.Status);
        Assert.Equal(["A"], proposal.Ballots.Keys);
        Assert.Equal(1, state.ConfigurationVersion);

        Assert.Equal("Only the proposer ('A') can withdraw proposal 'admit-d'.", await GovernAsync(state, "b-1", Withdrawal("admit-d", "B")));
        Assert.Null(await GovernAsync(state, "a-1", Withdrawal("admit-d", "A")));
        Assert.Equal(GovernanceProposal.Withdrawn, state.Proposal("admit-d")!.Status);
        Assert.Equal("Proposal 'admit-d' is not open (it is withdrawn).", await GovernAsync(state, "b-1", Ballot("admit-d", "B", GovernancePayload.For)));
    }

    [Fact]
    public async Task A_removed_institutions_signatures_stop_counting_from_the_configuration_entry_on()
    {
        var state = await FoundedAsync();
        var (first, firstPayload) = await TestConsentEvents.SignAsync(await Key("consent-events"), null);
        Apply(state, new SubmitEvent(first));
        var before = Close(state);
        Apply(state, await SignAsync(before, "c-1")); // C signs before it is removed: one of the three so far

        await GovernAsync(state, "a-1", Proposal("remove-c", "A", new GovernanceAction(GovernanceAction.Remove, Name: "C")));
        await GovernAsync(state, "a-1", Ballot("remove-c", "A", GovernancePayload.For));
        await GovernAsync(state, "b-1", Ballot("remove-c", "B", GovernancePayload.For));
        Assert.Equal(["A", "B"], state.Consortium!.Members.Select(m => m.Name));

        // Two members now: a majority is both. C's earlier signature and a new one by C do not help.
        Apply(state, await SignAsync(before, "a-1"));
        Assert.Equal(ReceiptStatus.Pending, state.ReceiptFor(firstPayload.EventId).Status);
        var (second, secondPayload) = await TestConsentEvents.SignAsync(await Key("consent-events"), null);
        Apply(state, new SubmitEvent(second));
        var after = Close(state);
        Apply(state, await SignAsync(after, "c-1"));
        Apply(state, await SignAsync(after, "a-1"));
        Assert.Equal(ReceiptStatus.Pending, state.ReceiptFor(secondPayload.EventId).Status);
        Apply(state, await SignAsync(after, "b-1"));
        var verified = ReceiptVerifier.Verify(state.ReceiptFor(secondPayload.EventId).Receipt!, trustedConsortium: state.Consortium);
        Assert.True(verified.IsValid, verified.Reason);
        Assert.Contains("signed by 2 of 2 member institutions: A, B.", verified.Reason);
        Assert.Equal("The signature is not a valid signature by a checkpoint key of a member institution.",
            await GovernAsync(state, "c-1", Proposal("readmit", "C", new GovernanceAction(GovernanceAction.Remove, Name: "B"))));
    }

    private const string LedgerId = "consortium-ledger";

    private static GovernancePayload Proposal(string id, string member, params GovernanceAction[] actions) =>
        new(GovernancePayload.Proposal, LedgerId, id, member, actions, Now + TimeSpan.FromDays(7).Ticks / TimeSpan.TicksPerMillisecond);

    private static GovernancePayload Ballot(string id, string member, string vote) =>
        new(GovernancePayload.Ballot, LedgerId, id, member, Vote: vote);

    private static GovernancePayload Withdrawal(string id, string member) => new(GovernancePayload.Withdrawal, LedgerId, id, member);

    private async Task<SignedGovernanceDocument> SignedAsync(string replica, GovernancePayload payload)
    {
        var key = await Key(replica);
        return await SignedGovernanceDocument.SignAsync(payload, replica, key.KeyId, bytes => key.SignAsync(bytes, CancellationToken.None));
    }

    /// <summary>Applies the signed document as a log entry; returns why it was refused, or null when it took effect.</summary>
    private async Task<string?> GovernAsync(LedgerState state, string replica, GovernancePayload payload, long timestamp = Now) =>
        Govern(state, await SignedAsync(replica, payload), timestamp);

    private string? Govern(LedgerState state, SignedGovernanceDocument document, long timestamp = Now)
    {
        Apply(state, new GovernanceEntry(document, timestamp));
        Assert.True(state.TryGetGovernanceOutcome(document, out var refusal));
        return refusal;
    }

    private async Task<LedgerState> FoundedAsync()
    {
        var state = new LedgerState(new LedgerOptions { LedgerId = LedgerId, ReplicaCount = 3 });
        Apply(state, new RegisterPublisherKey("consent", (await Key("consent-events")).GetPublicJwk()));
        Apply(state, new FoundConsortium(new ConsortiumConfiguration(LedgerId, ConsortiumConfiguration.MajorityOfMembers,
            [await MemberAsync("A", "a-1"), await MemberAsync("B", "b-1"), await MemberAsync("C", "c-1")])));
        Assert.NotNull(state.Consortium);
        return state;
    }

    private async Task<ConsortiumMember> MemberAsync(string name, string replica)
    {
        using var authority = ReplicaCertificateAuthority.Create($"{name} CA", TimeSpan.FromDays(1));
        var jwk = (await Key(replica)).GetPublicJwk();
        return new ConsortiumMember(name, [replica], [new ReplicaKey(replica, jwk.Kid, jwk.Kty, jwk.Crv, jwk.X, jwk.Y)],
            authority.Certificate.ExportCertificatePem());
    }

    private Task<ISigningKey> Key(string name) => _keys.GetSigningKeyAsync(name, CancellationToken.None);

    private async Task<SignCheckpoint> SignAsync(Checkpoint checkpoint, string replica) =>
        await LedgerFixture.SignatureAsync(checkpoint, replica, await Key(replica));

    private Checkpoint Close(LedgerState state)
    {
        Checkpoint? closed = null;
        void Capture(Checkpoint c) => closed = c;
        state.BlockClosed += Capture;
        Apply(state, new CloseBlock(Now));
        state.BlockClosed -= Capture;
        return closed ?? throw new InvalidOperationException("No checkpoint was taken.");
    }

    private void Apply(LedgerState state, LedgerCommand command) => state.Apply(++_index, command.ToBytes());

    public void Dispose()
    {
        _keys.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
