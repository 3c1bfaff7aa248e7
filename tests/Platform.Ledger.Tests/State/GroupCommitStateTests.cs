using System.Text;
using Platform.Ledger.Core;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Tests.State;

/// <summary>
/// Group commit at the state machine: a batch entry (format 2) gives the same tree, verdicts and receipts as the same
/// events one entry each (format 1), and every event in it is validated by the replica that applies it.
/// </summary>
public sealed class GroupCommitStateTests
{
    [Fact]
    public async Task A_batch_gives_the_same_tree_as_the_same_events_one_entry_each()
    {
        await using var batched = await LedgerFixture.CreateAsync();
        var events = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            events.Add((await batched.SignConsentEventAsync()).Jws);
        }
        var index = batched.Append(new SubmitBatch(events));

        // The same events, one format-1 entry each, on a replica that trusts the same publisher key.
        var single = new LedgerState(new LedgerOptions { LedgerId = "test-ledger", ReplicaCount = 3 });
        single.Apply(1, batched.Log[0]);
        for (var i = 0; i < events.Count; i++)
        {
            single.Apply(2 + i, new SubmitEvent(events[i]).ToBytes());
        }

        var outcomes = batched.State.OutcomesAt(index)!;
        Assert.Equal(Enumerable.Range(0, 40).Select(i => (SubmitStatus.Committed, (long?)i)), outcomes.Select(o => (o.Status, o.LeafIndex)));
        Assert.Equal(40, batched.State.TreeSize);
        Assert.Equal(single.TreeSize, batched.State.TreeSize);
        Assert.Equal(single.Entry(39)!.Value.LeafHash, batched.State.Entry(39)!.Value.LeafHash);
        Assert.Equal(single.ConsistencyProof(1, 40), batched.State.ConsistencyProof(1, 40));
    }

    [Fact]
    public async Task Each_event_of_a_batch_gets_its_own_verdict_in_batch_order()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var repeated = Guid.NewGuid();
        var (first, _) = await ledger.SignConsentEventAsync(repeated);
        var (sameId, _) = await ledger.SignConsentEventAsync(repeated);
        var (good, _) = await ledger.SignConsentEventAsync();
        var parts = good.Split('.');
        var forged = parts[0] + "." + parts[1] + "." + parts[2][..^4] + "AAAA";
        var (other, _) = await ledger.SignConsentEventAsync();

        var index = ledger.Append(new SubmitBatch([first, forged, sameId, "not.a.jws", other, first]));

        var outcomes = ledger.State.OutcomesAt(index)!;
        Assert.Equal(
            [(SubmitStatus.Committed, 0L, null), (SubmitStatus.Rejected, -1L, "bad_signature"), (SubmitStatus.Duplicate, 0L, null),
             (SubmitStatus.Rejected, -1L, "malformed_jws"), (SubmitStatus.Committed, 1L, null), (SubmitStatus.Duplicate, 0L, null)],
            outcomes.Select(o => (o.Status, o.LeafIndex ?? -1L, o.ErrorCode)).ToArray());
        Assert.Equal(2, ledger.State.TreeSize);
        Assert.Equal(2, ledger.State.RejectedCount);
    }

    [Fact]
    public async Task A_replica_that_does_not_trust_the_key_refuses_every_event_of_the_batch()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var events = new List<string>();
        for (var i = 0; i < 16; i++)
        {
            events.Add((await ledger.SignConsentEventAsync()).Jws);
        }
        // Validation runs on the replica that applies the entry: one that never registered the key admits nothing.
        var stranger = new LedgerState(new LedgerOptions { ReplicaCount = 1 });
        stranger.Apply(1, new SubmitBatch(events).ToBytes());

        Assert.All(stranger.OutcomesAt(1)!, o => Assert.Equal("unknown_key", o.ErrorCode));
        Assert.Equal(0, stranger.TreeSize);
    }

    [Fact]
    public async Task Receipts_of_batched_events_verify()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var signed = new List<(string Jws, Guid EventId)>();
        for (var i = 0; i < 10; i++)
        {
            var (jws, payload) = await ledger.SignConsentEventAsync();
            signed.Add((jws, payload.EventId));
        }
        ledger.Append(new SubmitBatch(signed.Select(s => s.Jws).ToArray()));
        await ledger.CloseAndSignAsync(signers: 2);

        foreach (var (_, eventId) in signed)
        {
            var lookup = ledger.State.ReceiptFor(eventId);
            Assert.Equal(ReceiptStatus.Ready, lookup.Status);
            var result = ReceiptVerifier.Verify(lookup.Receipt!, ledger.TrustedReplicaKeys);
            Assert.True(result.IsValid, result.Reason);
        }
    }

    [Fact]
    public async Task The_batch_entry_is_byte_for_byte_the_documented_format()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var (a, _) = await ledger.SignConsentEventAsync();
        var bytes = new SubmitBatch([a, "x.y.z"]).ToBytes();

        // README.md "Log entries": 0x02, uint32 count, then per event uint32 length and the ASCII JWS, all big-endian.
        var expected = new List<byte> { 2, 0, 0, 0, 2 };
        foreach (var e in new[] { a, "x.y.z" })
        {
            expected.AddRange(BitConverter.GetBytes(e.Length).Reverse());
            expected.AddRange(Encoding.ASCII.GetBytes(e));
        }
        Assert.Equal(expected, bytes);
        Assert.Equal([a, "x.y.z"], ((SubmitBatch)LedgerCommand.FromBytes(bytes)!).SignedEvents);
        // A format-1 entry still reads as before.
        Assert.IsType<SubmitEvent>(LedgerCommand.FromBytes(new SubmitEvent(a).ToBytes()));
    }

    [Theory]
    [InlineData(new byte[] { 2 })]
    [InlineData(new byte[] { 2, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 2, 0, 0, 0, 1, 0, 0, 0, 9, 97 })]
    [InlineData(new byte[] { 2, 0, 0, 0, 1, 0, 0, 0, 1, 97, 98 })]
    [InlineData(new byte[] { 2, 255, 255, 255, 255, 0, 0, 0, 1 })]
    [InlineData(new byte[] { 2, 0, 0, 0, 1, 0, 0, 0, 1, 200 })]
    [InlineData(new byte[] { 3, 0, 0, 0, 1, 0, 0, 0, 1, 97 })]
    public async Task A_truncated_padded_or_unknown_entry_is_skipped_by_every_replica_alike(byte[] entry)
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        Assert.Null(LedgerCommand.FromBytes(entry));
        ledger.State.Apply(1_000, entry);
        Assert.Null(ledger.State.OutcomesAt(1_000));
        Assert.Equal(0, ledger.State.TreeSize);
    }

    [Fact]
    public async Task A_snapshot_taken_after_batches_restores_their_events_and_idempotency()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var events = new List<(string Jws, Guid Id)>();
        for (var i = 0; i < 12; i++)
        {
            var (jws, payload) = await ledger.SignConsentEventAsync();
            events.Add((jws, payload.EventId));
        }
        ledger.Append(new SubmitBatch(events.Take(6).Select(e => e.Jws).ToArray()));
        ledger.Append(new SubmitBatch(events.Skip(6).Select(e => e.Jws).ToArray()));
        using var snapshot = new MemoryStream();
        await ledger.State.WriteSnapshotAsync(snapshot, CancellationToken.None);

        var restored = new LedgerState(new LedgerOptions { LedgerId = "test-ledger", ReplicaCount = 3 });
        snapshot.Position = 0;
        await restored.RestoreSnapshotAsync(snapshot, CancellationToken.None);
        restored.Apply(500, new SubmitBatch([events[3].Jws, events[11].Jws]).ToBytes());

        Assert.Equal(12, restored.TreeSize);
        Assert.Equal([(SubmitStatus.Duplicate, 3L), (SubmitStatus.Duplicate, 11L)], restored.OutcomesAt(500)!.Select(o => (o.Status, o.LeafIndex!.Value)));
        Assert.Equal(ledger.State.ConsistencyProof(5, 12), restored.ConsistencyProof(5, 12));
    }
}
