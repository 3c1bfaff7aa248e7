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
/// The consortium rules of the state machine, command by command (no Raft): institution "A" runs two replicas,
/// "B" and "C" one each, so counting replicas and counting institutions give different answers.
/// </summary>
public sealed class ConsortiumStateTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ledger-consortium-").FullName;
    private readonly SoftwareKeyProvider _keys;
    private long _index;

    public ConsortiumStateTests() =>
        _keys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = _directory }, NullLogger<SoftwareKeyProvider>.Instance);

    [Fact]
    public async Task A_checkpoint_is_final_at_a_majority_of_institutions_not_of_replicas_and_its_receipt_names_them()
    {
        var (state, consortium) = await FoundedAsync();
        var (jws, payload) = await TestConsentEvents.SignAsync(await Key("consent-events"), null);
        Apply(state, new SubmitEvent(jws));
        var checkpoint = Close(state);

        // Both replicas of institution A: two signatures, one institution, not final.
        Apply(state, await SignAsync(checkpoint, "a-1"));
        Apply(state, await SignAsync(checkpoint, "a-2"));
        Assert.Equal(ReceiptStatus.Pending, state.ReceiptFor(payload.EventId).Status);

        Apply(state, await SignAsync(checkpoint, "c-1"));
        var receipt = state.ReceiptFor(payload.EventId).Receipt!;
        Assert.Equal(Receipt.ConsortiumVersion, receipt.Version);
        var verified = ReceiptVerifier.Verify(receipt, trustedConsortium: consortium);
        Assert.True(verified.IsValid, verified.Reason);
        Assert.Contains("signed by 2 of 3 member institutions: A, C.", verified.Reason);
    }

    [Fact]
    public async Task After_founding_a_replica_cannot_add_its_own_key_and_its_signatures_do_not_count()
    {
        var (state, _) = await FoundedAsync();
        var intruder = await Key("intruder");
        Apply(state, new RegisterReplicaKey("intruder", intruder.GetPublicJwk()));
        Assert.DoesNotContain(state.ReplicaKeys(), k => k.Replica == "intruder");

        var (jws, payload) = await TestConsentEvents.SignAsync(await Key("consent-events"), null);
        Apply(state, new SubmitEvent(jws));
        var checkpoint = Close(state);
        Apply(state, await SignAsync(checkpoint, "b-1"));
        Apply(state, new SignCheckpoint(checkpoint.TreeSize, "intruder", intruder.KeyId,
            Base64Url.EncodeToString(await intruder.SignAsync(checkpoint.SigningBytes(), CancellationToken.None))));
        Assert.Equal(ReceiptStatus.Pending, state.ReceiptFor(payload.EventId).Status);
    }

    [Fact]
    public async Task A_founding_entry_after_the_first_checkpoint_is_ignored_on_every_replica()
    {
        var state = new LedgerState(new LedgerOptions { LedgerId = "consortium-ledger", ReplicaCount = 1 });
        Apply(state, new RegisterPublisherKey("consent", (await Key("consent-events")).GetPublicJwk()));
        Apply(state, new RegisterReplicaKey("solo", (await Key("solo")).GetPublicJwk()));
        var (jws, _) = await TestConsentEvents.SignAsync(await Key("consent-events"), null);
        Apply(state, new SubmitEvent(jws));
        Close(state);
        Apply(state, new FoundConsortium(await ConfigurationAsync()));
        Assert.Null(state.Consortium);
        Assert.Equal(["solo"], state.ReplicaKeys().Select(k => k.Replica));
    }

    [Fact]
    public async Task A_snapshot_keeps_the_consortium_and_a_ledger_without_one_keeps_writing_version_1()
    {
        var (state, consortium) = await FoundedAsync();
        using var snapshot = new MemoryStream();
        await state.WriteSnapshotAsync(snapshot, CancellationToken.None);
        Assert.Equal(LedgerState.ConsortiumSnapshotVersion, snapshot.ToArray()[0]);
        var restored = new LedgerState(new LedgerOptions { LedgerId = "consortium-ledger" });
        snapshot.Position = 0;
        await restored.RestoreSnapshotAsync(snapshot, CancellationToken.None);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(consortium), System.Text.Json.JsonSerializer.Serialize(restored.Consortium));

        using var plain = new MemoryStream();
        await new LedgerState(new LedgerOptions { LedgerId = "consortium-ledger" }).WriteSnapshotAsync(plain, CancellationToken.None);
        Assert.Equal(LedgerState.SnapshotVersion, plain.ToArray()[0]);
    }

    [Fact]
    public async Task The_auditor_reports_majority_checkpoints_of_different_sizes_that_no_consistency_proof_connects()
    {
        var consortium = await ConfigurationAsync();
        var log = new Platform.Ledger.Merkle.MerkleTree();
        var fork = new Platform.Ledger.Merkle.MerkleTree();
        for (var i = 0; i < 4; i++)
        {
            log.AppendEntry([(byte)i]);
            fork.AppendEntry([(byte)(i + 10)]);
        }
        Checkpoint At(long size, byte[] root) => new("consortium-ledger", size, Base64Url.EncodeToString(root), 1_800_000_000_000);
        var real2 = new ObservedCheckpoint("member-1", await SignedAsync(At(2, log.RootAt(2)), "a-1", "b-1"));
        var real4 = new ObservedCheckpoint("member-1", await SignedAsync(At(4, log.Root()), "a-1", "c-1"));
        var forged3 = new ObservedCheckpoint("member-2", await SignedAsync(At(3, fork.RootAt(3)), "b-1", "c-1"));
        Task<IReadOnlyList<ObservedProof>> Proofs(long from, long to) => Task.FromResult<IReadOnlyList<ObservedProof>>(
            [new ObservedProof("member-1", [.. log.ConsistencyProof(from, to).Select(n => Base64Url.EncodeToString(n))])]);

        Assert.Empty(await ForkAudit.RunAsync(consortium, [real2, real4], Proofs));
        var findings = await ForkAudit.RunAsync(consortium, [real2, real4, forged3], Proofs);
        Assert.Equal([ForkAudit.Inconsistent, ForkAudit.Inconsistent], findings.Select(f => f.Kind));
        Assert.All(findings, f => Assert.Contains(f.Checkpoints, c => c.Checkpoint == forged3.Checkpoint && c.Signers.SequenceEqual(["B", "C"])));
    }

    private async Task<SignedCheckpoint> SignedAsync(Checkpoint checkpoint, params string[] replicas)
    {
        var signatures = new List<CheckpointSignature>();
        foreach (var replica in replicas)
        {
            var sign = await SignAsync(checkpoint, replica);
            signatures.Add(new CheckpointSignature(sign.Replica, sign.Kid, sign.Signature));
        }
        return new SignedCheckpoint(checkpoint, signatures);
    }

    private async Task<(LedgerState State, ConsortiumConfiguration Consortium)> FoundedAsync()
    {
        var state = new LedgerState(new LedgerOptions { LedgerId = "consortium-ledger", ReplicaCount = 4 });
        Apply(state, new RegisterPublisherKey("consent", (await Key("consent-events")).GetPublicJwk()));
        var consortium = await ConfigurationAsync();
        Apply(state, new FoundConsortium(consortium));
        Assert.NotNull(state.Consortium);
        return (state, consortium);
    }

    private async Task<ConsortiumConfiguration> ConfigurationAsync()
    {
        async Task<ConsortiumMember> Member(string name, params string[] replicas)
        {
            using var authority = ReplicaCertificateAuthority.Create($"{name} CA", TimeSpan.FromDays(1));
            var keys = new List<ReplicaKey>();
            foreach (var replica in replicas)
            {
                var jwk = (await Key(replica)).GetPublicJwk();
                keys.Add(new ReplicaKey(replica, jwk.Kid, jwk.Kty, jwk.Crv, jwk.X, jwk.Y));
            }
            return new ConsortiumMember(name, replicas, keys, authority.Certificate.ExportCertificatePem());
        }
        return new ConsortiumConfiguration("consortium-ledger", ConsortiumConfiguration.MajorityOfMembers,
            [await Member("A", "a-1", "a-2"), await Member("B", "b-1"), await Member("C", "c-1")]);
    }

    private Task<ISigningKey> Key(string name) => _keys.GetSigningKeyAsync(name, CancellationToken.None);

    private async Task<SignCheckpoint> SignAsync(Checkpoint checkpoint, string replica) =>
        await LedgerFixture.SignatureAsync(checkpoint, replica, await Key(replica));

    private Checkpoint Close(LedgerState state)
    {
        Checkpoint? closed = null;
        void Capture(Checkpoint c) => closed = c;
        state.BlockClosed += Capture;
        Apply(state, new CloseBlock(1_800_000_000_000));
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
