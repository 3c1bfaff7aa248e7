using Platform.Crypto.Jose;
using Platform.Ledger.Merkle;

namespace Platform.Ledger.Verification;

/// <summary>Checks that a newer quorum-signed checkpoint extends an older one (the log was only appended to).</summary>
public static class ConsistencyVerifier
{
    public static VerificationResult Verify(SignedCheckpoint older, SignedCheckpoint newer, IReadOnlyList<string> proof, IReadOnlyList<ReplicaKey> replicaKeys)
    {
        foreach (var (name, signed) in new[] { ("older", older), ("newer", newer) })
        {
            var quorum = CheckpointVerifier.VerifyQuorum(signed, replicaKeys);
            if (!quorum.IsValid)
            {
                return VerificationResult.Invalid($"The {name} checkpoint: {quorum.Reason}");
            }
        }
        if (older.Checkpoint.LedgerId != newer.Checkpoint.LedgerId)
        {
            return VerificationResult.Invalid("The checkpoints belong to different ledgers.");
        }
        var nodes = new List<byte[]>();
        foreach (var element in proof)
        {
            if (StrictBase64Url.TryDecode(element) is not { Length: MerkleHash.Size } node)
            {
                return VerificationResult.Invalid($"Proof element {nodes.Count} is not 32 bytes of base64url.");
            }
            nodes.Add(node);
        }
        var root1 = StrictBase64Url.TryDecode(older.Checkpoint.RootHash)!;
        var root2 = StrictBase64Url.TryDecode(newer.Checkpoint.RootHash)!;
        return MerkleVerifier.VerifyConsistency(older.Checkpoint.TreeSize, newer.Checkpoint.TreeSize, root1, root2, nodes)
            ? VerificationResult.Valid($"The ledger at size {newer.Checkpoint.TreeSize} extends the ledger at size {older.Checkpoint.TreeSize}.")
            : VerificationResult.Invalid("The consistency proof does not connect the two checkpoints: the log was rewritten, or the proof is wrong.");
    }
}
