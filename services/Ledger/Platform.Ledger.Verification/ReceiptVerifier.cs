using Platform.Crypto.Jose;
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
    /// <param name="trustedConsortium">
    /// For a consortium receipt (version 2): the consortium configuration the verifier obtained independently (from the
    /// founding agreement, or <c>GET /consortium</c> of its own institution's replica). Without it the configuration
    /// inside the receipt is used, which proves internal consistency but not who the members are.
    /// </param>
    public static VerificationResult Verify(Receipt receipt, IReadOnlyList<ReplicaKey>? trustedKeys = null, ConsortiumConfiguration? trustedConsortium = null)
    {
        var consortium = trustedConsortium ?? receipt.Consortium;
        if (receipt.Version == Receipt.ConsortiumVersion ? consortium is null : receipt.Version != Receipt.CurrentVersion)
        {
            return VerificationResult.Invalid(receipt.Version == Receipt.ConsortiumVersion
                ? "A consortium receipt (version 2) needs its consortium configuration."
                : $"Receipt version {receipt.Version} is not supported (expected {Receipt.CurrentVersion} or {Receipt.ConsortiumVersion}).");
        }
        if (receipt.Version == Receipt.CurrentVersion && trustedConsortium is not null)
        {
            return VerificationResult.Invalid("A consortium configuration was given, but the receipt is of a ledger run by one operator (version 1).");
        }
        if (StrictBase64Url.TryDecode(receipt.Entry) is not { Length: > 0 } entry)
        {
            return VerificationResult.Invalid("The entry is missing or not base64url.");
        }
        var checkpoint = receipt.Checkpoint.Checkpoint;
        if (StrictBase64Url.TryDecode(checkpoint.RootHash) is not { Length: MerkleHash.Size } root)
        {
            return VerificationResult.Invalid("The checkpoint's root hash is not 32 bytes of base64url.");
        }
        var path = new List<byte[]>();
        foreach (var element in receipt.AuditPath)
        {
            if (StrictBase64Url.TryDecode(element) is not { Length: MerkleHash.Size } node)
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
        var quorum = receipt.Version == Receipt.ConsortiumVersion
            ? ConsortiumVerifier.VerifyQuorum(receipt.Checkpoint, consortium!)
            : CheckpointVerifier.VerifyQuorum(receipt.Checkpoint, trustedKeys ?? receipt.ReplicaKeys);
        return quorum.IsValid
            ? VerificationResult.Valid($"Entry {receipt.LeafIndex} is included in ledger {checkpoint.LedgerId} at size {checkpoint.TreeSize}. {quorum.Reason}")
            : quorum;
    }
}
