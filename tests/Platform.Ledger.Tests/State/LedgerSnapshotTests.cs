using System.Buffers.Binary;
using System.Text.Json;
using Platform.Ledger.Core;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Tests.State;

/// <summary>The ledger state written as a snapshot and restored into a fresh state (no Raft here).</summary>
public sealed class LedgerSnapshotTests
{
    [Fact]
    public async Task A_restored_state_equals_the_original_and_still_refuses_a_duplicate_event_id()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var ids = new List<Guid>();
        for (var block = 0; block < 3; block++)
        {
            for (var i = 0; i < 5; i++)
            {
                var (jws, payload) = await ledger.SignConsentEventAsync();
                ledger.Submit(jws);
                ids.Add(payload.EventId);
            }
            await ledger.CloseAndSignAsync(signers: block == 2 ? 1 : 2); // the last checkpoint stays short of a majority
        }
        ledger.Submit("not-a-jws"); // counted as rejected

        var restored = new LedgerState(ledger.State.Options);
        await restored.RestoreSnapshotAsync(new MemoryStream(await SnapshotAsync(ledger.State)), CancellationToken.None);

        Assert.Equal(ledger.State.TreeSize, restored.TreeSize);
        Assert.Equal(ledger.State.ConsistencyProof(0, ledger.State.TreeSize), restored.ConsistencyProof(0, restored.TreeSize));
        Assert.Equal(Json(ledger.State.FinalCheckpoints()), Json(restored.FinalCheckpoints()));
        Assert.Equal(Json(ledger.State.CheckpointAt(15)), Json(restored.CheckpointAt(15)));
        Assert.False(restored.CheckpointAt(15)!.Value.IsFinal);
        Assert.Equal(Json(ledger.State.ReplicaKeys()), Json(restored.ReplicaKeys()));
        Assert.Equal(1, restored.RejectedCount);
        Assert.True(restored.HasPublisherKey(ledger.ConsentKey.KeyId));
        for (var leaf = 0; leaf < ids.Count; leaf++)
        {
            Assert.Equal(leaf, restored.LeafIndexOf(ids[leaf]));
            Assert.Equal(ledger.State.Entry(leaf), restored.Entry(leaf));
        }

        // A receipt from the restored state verifies, and the same snapshot written again is byte for byte the same.
        var receipt = restored.ReceiptFor(ids[3]);
        Assert.Equal(ReceiptStatus.Ready, receipt.Status);
        Assert.True(ReceiptVerifier.Verify(receipt.Receipt!, ledger.TrustedReplicaKeys).IsValid);
        Assert.Equal(await SnapshotAsync(ledger.State), await SnapshotAsync(restored));

        // The idempotency index survived: the same event id again is a duplicate pointing at its first leaf.
        var again = await ledger.SignConsentEventAsync(ids[7]);
        restored.Apply(1_000, new SubmitEvent(again.Jws).ToBytes());
        Assert.Equal((SubmitStatus.Duplicate, 7L), (restored.OutcomeAt(1_000)!.Status, restored.OutcomeAt(1_000)!.LeafIndex!.Value));
        Assert.Equal(ledger.State.TreeSize, restored.TreeSize);

        // And it keeps working: new events and signatures apply on top of the restored state.
        var next = await ledger.SignConsentEventAsync();
        restored.Apply(1_001, new SubmitEvent(next.Jws).ToBytes());
        Assert.Equal(SubmitStatus.Committed, restored.OutcomeAt(1_001)!.Status);
        Assert.Equal(ids.Count, restored.OutcomeAt(1_001)!.LeafIndex);
    }

    [Fact]
    public async Task A_snapshot_of_another_ledger_or_version_or_with_a_rewritten_history_is_refused_and_changes_nothing()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        for (var i = 0; i < 4; i++)
        {
            ledger.Submit((await ledger.SignConsentEventAsync()).Jws);
        }
        await ledger.CloseAndSignAsync(signers: 2);
        var snapshot = await SnapshotAsync(ledger.State);

        var other = new LedgerState(new LedgerOptions { LedgerId = "another-ledger", ReplicaCount = 3 });
        await Assert.ThrowsAsync<InvalidDataException>(() => other.RestoreSnapshotAsync(new MemoryStream(snapshot), CancellationToken.None).AsTask());
        Assert.Equal(0, other.TreeSize);

        var target = new LedgerState(ledger.State.Options);
        var futureVersion = (byte[])snapshot.Clone();
        futureVersion[0] = LedgerState.SnapshotVersion + 1;
        await Assert.ThrowsAsync<InvalidDataException>(() => target.RestoreSnapshotAsync(new MemoryStream(futureVersion), CancellationToken.None).AsTask());

        // One byte of the first event changed: its leaf hash, hence the root, no longer match what the snapshot recorded.
        var tampered = (byte[])snapshot.Clone();
        var firstEvent = 1 + 4 + ledger.State.Options.LedgerId.Length + 8 + 16 + 4;
        tampered[firstEvent + 10] ^= 0x01;
        await Assert.ThrowsAsync<InvalidDataException>(() => target.RestoreSnapshotAsync(new MemoryStream(tampered), CancellationToken.None).AsTask());

        var truncated = snapshot[..^5];
        await Assert.ThrowsAsync<InvalidDataException>(() => target.RestoreSnapshotAsync(new MemoryStream(truncated), CancellationToken.None).AsTask());
        Assert.Equal(0, target.TreeSize);
        Assert.Equal(4, BinaryPrimitives.ReadInt64BigEndian(snapshot.AsSpan(1 + 4 + ledger.State.Options.LedgerId.Length)));
    }

    private static async Task<byte[]> SnapshotAsync(LedgerState state)
    {
        var buffer = new MemoryStream();
        await state.WriteSnapshotAsync(buffer, CancellationToken.None);
        return buffer.ToArray();
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value);
}
