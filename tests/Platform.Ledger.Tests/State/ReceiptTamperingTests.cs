using System.Buffers.Text;
using Platform.Crypto.Jose;
using Platform.Ledger.Core;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Tests.State;

/// <summary>Flip a byte anywhere that matters in a receipt, and the verifier says no (with a reason).</summary>
public sealed class ReceiptTamperingTests : IAsyncLifetime
{
    private LedgerFixture _ledger = null!;
    private Receipt _receipt = null!;

    public async Task InitializeAsync()
    {
        _ledger = await LedgerFixture.CreateAsync();
        Guid target = default;
        for (var i = 0; i < 6; i++)
        {
            var (jws, payload) = await _ledger.SignConsentEventAsync();
            _ledger.Submit(jws);
            if (i == 3)
            {
                target = payload.EventId;
            }
        }
        await _ledger.CloseAndSignAsync(signers: 2);
        _receipt = _ledger.State.ReceiptFor(target).Receipt!;
    }

    public async Task DisposeAsync() => await _ledger.DisposeAsync();

    private static string Flip(string base64Url, int at = 3)
    {
        var bytes = StrictBase64Url.TryDecode(base64Url)!;
        bytes[at] ^= 0x01;
        return Base64Url.EncodeToString(bytes);
    }

    [Fact]
    public void The_untouched_receipt_verifies()
    {
        Assert.True(ReceiptVerifier.Verify(_receipt, _ledger.TrustedReplicaKeys).IsValid);
    }

    [Fact]
    public void A_flipped_byte_in_the_entry_is_rejected()
    {
        var result = ReceiptVerifier.Verify(_receipt with { Entry = Flip(_receipt.Entry, 40) }, _ledger.TrustedReplicaKeys);
        Assert.False(result.IsValid);
        Assert.Contains("audit path", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flipped_byte_in_any_path_element_is_rejected()
    {
        for (var i = 0; i < _receipt.AuditPath.Count; i++)
        {
            var path = _receipt.AuditPath.ToArray();
            path[i] = Flip(path[i]);
            Assert.False(ReceiptVerifier.Verify(_receipt with { AuditPath = path }, _ledger.TrustedReplicaKeys).IsValid, $"path[{i}]");
        }
    }

    [Fact]
    public void A_flipped_byte_in_the_root_is_rejected()
    {
        var checkpoint = _receipt.Checkpoint with { Checkpoint = _receipt.Checkpoint.Checkpoint with { RootHash = Flip(_receipt.Checkpoint.Checkpoint.RootHash) } };
        Assert.False(ReceiptVerifier.Verify(_receipt with { Checkpoint = checkpoint }, _ledger.TrustedReplicaKeys).IsValid);
    }

    [Fact]
    public void A_flipped_byte_in_a_signature_leaves_a_minority_and_is_rejected()
    {
        var signatures = _receipt.Checkpoint.Signatures.ToArray();
        Assert.Equal(2, signatures.Length);
        signatures[0] = signatures[0] with { Signature = Flip(signatures[0].Signature, 10) };
        var result = ReceiptVerifier.Verify(_receipt with { Checkpoint = _receipt.Checkpoint with { Signatures = signatures } }, _ledger.TrustedReplicaKeys);
        Assert.False(result.IsValid);
        Assert.Contains("majority", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_tree_size_or_leaf_index_is_rejected()
    {
        var checkpoint = _receipt.Checkpoint with { Checkpoint = _receipt.Checkpoint.Checkpoint with { TreeSize = 7 } };
        Assert.False(ReceiptVerifier.Verify(_receipt with { Checkpoint = checkpoint }, _ledger.TrustedReplicaKeys).IsValid);
        Assert.False(ReceiptVerifier.Verify(_receipt with { LeafIndex = 2 }, _ledger.TrustedReplicaKeys).IsValid);
    }

    [Fact]
    public void A_duplicated_signature_does_not_make_a_majority()
    {
        var one = _receipt.Checkpoint.Signatures[0];
        var receipt = _receipt with { Checkpoint = _receipt.Checkpoint with { Signatures = [one, one, one] } };
        Assert.False(ReceiptVerifier.Verify(receipt, _ledger.TrustedReplicaKeys).IsValid);
    }

    [Fact]
    public async Task A_receipt_from_a_ledger_run_by_other_keys_fails_against_the_trusted_keys()
    {
        // An impostor runs its own "ledger" with the same replica names and ships its own keys in the receipt.
        await using var impostor = await LedgerFixture.CreateAsync();
        var (jws, payload) = await impostor.SignConsentEventAsync();
        impostor.Submit(jws);
        await impostor.CloseAndSignAsync(signers: 3);
        var forged = impostor.State.ReceiptFor(payload.EventId).Receipt!;

        Assert.True(ReceiptVerifier.Verify(forged).IsValid, "internally consistent on its own keys");
        var result = ReceiptVerifier.Verify(forged, _ledger.TrustedReplicaKeys);
        Assert.False(result.IsValid);
        Assert.Contains("majority", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unsupported_version_is_rejected()
    {
        Assert.False(ReceiptVerifier.Verify(_receipt with { Version = 2 }, _ledger.TrustedReplicaKeys).IsValid);
    }
}
