using Platform.Ledger.Core;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Tests.State;

/// <summary>A receipt wait ends with the signature that makes a covering checkpoint final, not with a poll.</summary>
public sealed class ReceiptFinalityTests
{
    [Fact]
    public async Task A_waiter_is_released_by_the_signature_that_makes_the_checkpoint_final_and_not_before()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var (jws, payload) = await ledger.SignConsentEventAsync();
        var outcome = ledger.Submit(jws);

        var wait = ledger.State.ReceiptWhenFinalAsync(payload.EventId, outcome.LeafIndex!.Value, CancellationToken.None);
        Assert.Equal(1, ledger.State.FinalityWaiterCount);
        var checkpoint = await ledger.CloseAndSignAsync(signers: 1);
        await Task.Delay(50);
        Assert.False(wait.IsCompleted, "one signature of three is no majority");

        var (name, key) = ledger.Replicas[1];
        ledger.Append(await LedgerFixture.SignatureAsync(checkpoint, name, key));

        var lookup = await wait.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(ReceiptStatus.Ready, lookup.Status);
        Assert.True(ReceiptVerifier.Verify(lookup.Receipt!, ledger.TrustedReplicaKeys).IsValid);
        Assert.Equal(0, ledger.State.FinalityWaiterCount);
    }

    [Fact]
    public async Task A_waiter_for_a_leaf_this_replica_has_not_applied_yet_waits_for_it()
    {
        // A follower that forwarded the event to the leader learns its leaf index before applying it.
        await using var ledger = await LedgerFixture.CreateAsync();
        var (jws, payload) = await ledger.SignConsentEventAsync();
        var wait = ledger.State.ReceiptWhenFinalAsync(payload.EventId, 0, CancellationToken.None);
        Assert.False(wait.IsCompleted);

        ledger.Submit(jws);
        await ledger.CloseAndSignAsync(signers: 2);

        Assert.Equal(ReceiptStatus.Ready, (await wait.WaitAsync(TimeSpan.FromSeconds(5))).Status);
    }

    [Fact]
    public async Task Only_waiters_covered_by_the_final_checkpoint_are_released()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var (firstJws, first) = await ledger.SignConsentEventAsync();
        ledger.Submit(firstJws);
        await ledger.CloseAndSignAsync(signers: 2);
        var (secondJws, second) = await ledger.SignConsentEventAsync();
        var leaf = ledger.Submit(secondJws).LeafIndex!.Value;

        var covered = ledger.State.ReceiptWhenFinalAsync(first.EventId, 0, CancellationToken.None);
        var later = ledger.State.ReceiptWhenFinalAsync(second.EventId, leaf, CancellationToken.None);

        Assert.True(covered.IsCompletedSuccessfully, "already final: answered at once");
        Assert.Equal(ReceiptStatus.Ready, (await covered).Status);
        await Task.Delay(50);
        Assert.False(later.IsCompleted);
        await ledger.CloseAndSignAsync(signers: 3);
        Assert.Equal(ReceiptStatus.Ready, (await later.WaitAsync(TimeSpan.FromSeconds(5))).Status);
    }

    [Fact]
    public async Task A_cancelled_wait_ends_with_the_cancellation()
    {
        await using var ledger = await LedgerFixture.CreateAsync();
        var (jws, payload) = await ledger.SignConsentEventAsync();
        ledger.Submit(jws);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ledger.State.ReceiptWhenFinalAsync(payload.EventId, 0, cancel.Token));
    }
}
