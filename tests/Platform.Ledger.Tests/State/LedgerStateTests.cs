using System.Buffers.Text;
using System.Text.Json;
using Platform.Crypto.Jose;
using Platform.Ledger.Core;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Tests.State;

public sealed class LedgerStateTests
{
    [Fact]
    public async Task A_valid_event_is_committed_and_gets_a_receipt_once_a_majority_signed_the_checkpoint()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var (jws, payload) = await ledger.SignConsentEventAsync();

        var outcome = ledger.Submit(jws);
        Assert.Equal(SubmitStatus.Committed, outcome.Status);
        Assert.Equal(0, outcome.LeafIndex);
        Assert.Equal(ReceiptStatus.Pending, ledger.State.ReceiptFor(payload.EventId).Status);

        await ledger.CloseAndSignAsync(signers: 2);

        var lookup = ledger.State.ReceiptFor(payload.EventId);
        Assert.Equal(ReceiptStatus.Ready, lookup.Status);
        var result = ReceiptVerifier.Verify(lookup.Receipt!, ledger.TrustedReplicaKeys);
        Assert.True(result.IsValid, result.Reason);
    }

    [Fact]
    public async Task A_checkpoint_signed_by_a_minority_is_not_final()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var (jws, payload) = await ledger.SignConsentEventAsync();
        ledger.Submit(jws);

        var checkpoint = await ledger.CloseAndSignAsync(signers: 1);

        Assert.Null(ledger.State.LatestFinalCheckpoint());
        Assert.False(ledger.State.CheckpointAt(checkpoint.TreeSize)!.Value.IsFinal);
        Assert.Equal(ReceiptStatus.Pending, ledger.State.ReceiptFor(payload.EventId).Status);
    }

    [Fact]
    public async Task A_duplicate_event_id_returns_the_first_index_and_appends_nothing()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var id = Guid.NewGuid();
        var (first, _) = await ledger.SignConsentEventAsync(id);
        var (second, _) = await ledger.SignConsentEventAsync(id);
        ledger.Submit((await ledger.SignConsentEventAsync()).Jws);

        var a = ledger.Submit(first);
        var b = ledger.Submit(first);
        var c = ledger.Submit(second);

        Assert.Equal(SubmitStatus.Committed, a.Status);
        Assert.Equal((SubmitStatus.Duplicate, a.LeafIndex), (b.Status, b.LeafIndex));
        Assert.Equal((SubmitStatus.Duplicate, a.LeafIndex), (c.Status, c.LeafIndex));
        Assert.Equal(2, ledger.State.TreeSize);
    }

    [Theory]
    [InlineData("not.a.jws")]
    [InlineData("")]
    public async Task Malformed_events_are_rejected_and_never_enter_the_tree(string jws)
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var outcome = ledger.Submit(jws);
        Assert.Equal(SubmitStatus.Rejected, outcome.Status);
        Assert.Equal("malformed_jws", outcome.ErrorCode);
        Assert.Equal(0, ledger.State.TreeSize);
        Assert.Equal(1, ledger.State.RejectedCount);
    }

    [Fact]
    public async Task An_event_signed_with_an_unregistered_key_is_rejected()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var (jws, _) = await ledger.SignConsentEventAsync();
        // A fresh ledger state that never registered the consent key, fed the same command.
        var stranger = new LedgerState(new LedgerOptions { ReplicaCount = 1 });
        stranger.Apply(1, new SubmitEvent(jws).ToBytes());
        Assert.Equal("unknown_key", stranger.OutcomeAt(1)!.ErrorCode);
        Assert.Equal(0, stranger.TreeSize);
    }

    [Fact]
    public async Task An_event_with_a_wrong_signature_is_rejected()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var (jws, _) = await ledger.SignConsentEventAsync();
        var parts = jws.Split('.');
        var signature = StrictBase64Url.TryDecode(parts[2])!;
        signature[5] ^= 0x40;
        var outcome = ledger.Submit(parts[0] + "." + parts[1] + "." + Base64Url.EncodeToString(signature));
        Assert.Equal("bad_signature", outcome.ErrorCode);
        Assert.Equal(0, ledger.State.TreeSize);
    }

    [Fact]
    public async Task A_prevalidated_event_skips_only_its_own_second_signature_check()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var (genuine, _) = await ledger.SignConsentEventAsync();
        var parts = genuine.Split('.');
        var signature = StrictBase64Url.TryDecode(parts[2])!;
        signature[^1] ^= 0x01;
        var tampered = parts[0] + "." + parts[1] + "." + Base64Url.EncodeToString(signature);

        Assert.True(ledger.State.Validate(genuine).IsValid);
        Assert.Equal("bad_signature", ledger.Submit(tampered).ErrorCode);
        Assert.Equal(SubmitStatus.Committed, ledger.Submit(genuine).Status);
        Assert.Equal(1, ledger.State.TreeSize);
    }

    [Fact]
    public async Task A_kid_cannot_be_re_registered_with_another_key()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var (jws, _) = await ledger.SignConsentEventAsync();
        var genuine = ledger.ConsentKey.GetPublicJwk();
        var impostor = ledger.Replicas[0].Key.GetPublicJwk() with { Kid = genuine.Kid };

        ledger.Append(new RegisterPublisherKey("consent", impostor));

        Assert.Equal(SubmitStatus.Committed, ledger.Submit(jws).Status);
    }

    [Fact]
    public async Task An_oversized_event_is_rejected()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var outcome = ledger.Submit(new string('a', 9000));
        Assert.Equal("too_large", outcome.ErrorCode);
        Assert.Equal(0, ledger.State.TreeSize);
    }

    [Fact]
    public async Task A_forged_checkpoint_signature_does_not_count()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        ledger.Submit((await ledger.SignConsentEventAsync()).Jws);
        var checkpoint = await ledger.CloseAndSignAsync(signers: 1);

        // ledger-2 "signs" with ledger-0's key: the signature is real but not ledger-2's.
        var (_, wrongKey) = ledger.Replicas[0];
        var forged = await LedgerFixture.SignatureAsync(checkpoint, "ledger-2", wrongKey);
        ledger.Append(forged with { Kid = ledger.Replicas[2].Key.KeyId });
        // Replaying ledger-0's own signature does not count twice either.
        ledger.Append(await LedgerFixture.SignatureAsync(checkpoint, ledger.Replicas[0].Replica, ledger.Replicas[0].Key));

        Assert.Null(ledger.State.LatestFinalCheckpoint());
    }

    [Fact]
    public async Task Replaying_the_same_log_on_another_replica_gives_the_same_tree_checkpoints_and_verdicts()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        for (var i = 0; i < 5; i++)
        {
            ledger.Submit((await ledger.SignConsentEventAsync()).Jws);
        }
        ledger.Submit("garbage");
        await ledger.CloseAndSignAsync(signers: 3);
        ledger.Submit((await ledger.SignConsentEventAsync()).Jws);
        await ledger.CloseAndSignAsync(signers: 2);

        var replica = new LedgerState(ledger.State.Options);
        for (var i = 0; i < ledger.Log.Count; i++)
        {
            replica.Apply(i + 1, ledger.Log[i]);
        }

        Assert.Equal(ledger.State.TreeSize, replica.TreeSize);
        Assert.Equal(JsonSerializer.Serialize(ledger.State.FinalCheckpoints()), JsonSerializer.Serialize(replica.FinalCheckpoints()));
        Assert.Equal(ledger.State.RejectedCount, replica.RejectedCount);
    }

    [Fact]
    public async Task Consecutive_final_checkpoints_are_provably_consistent()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        for (var i = 0; i < 3; i++)
        {
            ledger.Submit((await ledger.SignConsentEventAsync()).Jws);
        }
        await ledger.CloseAndSignAsync(signers: 2);
        var older = ledger.State.LatestFinalCheckpoint()!;
        for (var i = 0; i < 4; i++)
        {
            ledger.Submit((await ledger.SignConsentEventAsync()).Jws);
        }
        await ledger.CloseAndSignAsync(signers: 2);
        var newer = ledger.State.LatestFinalCheckpoint()!;

        var proof = ledger.State.ConsistencyProof(older.Checkpoint.TreeSize, newer.Checkpoint.TreeSize)!;
        var result = ConsistencyVerifier.Verify(older, newer, proof, ledger.TrustedReplicaKeys);
        Assert.True(result.IsValid, result.Reason);
        Assert.False(ConsistencyVerifier.Verify(newer, older, proof, ledger.TrustedReplicaKeys).IsValid);
    }

    [Fact]
    public async Task An_empty_block_creates_no_checkpoint()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        Checkpoint? closed = null;
        ledger.State.BlockClosed += c => closed = c;
        ledger.Append(new CloseBlock(1));
        Assert.Null(closed);
    }
}
