using Platform.Ledger.Merkle;

namespace Platform.Ledger.Verification;

/// <summary>
/// Checks a receipt offline: the entry hashes to the leaf, the audit path leads from that leaf to the checkpoint's
/// root, and a majority of trusted replica keys signed the checkpoint.
/// </summary>
public static class ReceiptVerifier
{
    /// <param name="receipt">The receipt to check.</param>
    /// <param name="trustedKeys">
    /// Replica keys the verifier obtained independently (recommended). Without them the keys inside the receipt are
    /// used, which proves internal consistency but not who the replicas are.
    /// </param>
    public static VerificationResult Verify(Receipt receipt, IReadOnlyList<ReplicaKey>? trustedKeys = null)
    {
        if (receipt.Version != Receipt.CurrentVersion)
        {
            return VerificationResult.Invalid($"Receipt version {receipt.Version} is not supported (expected {Receipt.CurrentVersion}).");
        }
        if (Base64Url.TryDecode(receipt.Entry) is not { Length: > 0 } entry)
        {
            return VerificationResult.Invalid("The entry is missing or not base64url.");
        }
        var checkpoint = receipt.Checkpoint.Checkpoint;
        if (Base64Url.TryDecode(checkpoint.RootHash) is not { Length: MerkleHash.Size } root)
        {
            return VerificationResult.Invalid("The checkpoint's root hash is not 32 bytes of base64url.");
        }
        var path = new List<byte[]>();
        foreach (var element in receipt.AuditPath)
        {
            if (Base64Url.TryDecode(element) is not { Length: MerkleHash.Size } node)
            {
                return VerificationResult.Invalid($"Audit path element {path.Count} is not 32 bytes of base64url.");
            }
            path.Add(node);
        }
        if (receipt.LeafIndex < 0 || receipt.LeafIndex >= checkpoint.TreeSize)
        {
            return VerificationResult.Invalid($"Leaf index {receipt.LeafIndex} is outside a tree of size {checkpoint.TreeSize}.");
        }
        if (!MerkleVerifier.VerifyInclusion(receipt.LeafIndex, checkpoint.TreeSize, MerkleHash.Leaf(entry), path, root))
        {
            return VerificationResult.Invalid("The audit path does not lead from the entry to the checkpoint's root.");
        }
        var quorum = CheckpointVerifier.VerifyQuorum(receipt.Checkpoint, trustedKeys ?? receipt.ReplicaKeys);
        return quorum.IsValid
            ? VerificationResult.Valid($"Entry {receipt.LeafIndex} is included in ledger {checkpoint.LedgerId} at size {checkpoint.TreeSize}. {quorum.Reason}")
            : quorum;
    }
}
