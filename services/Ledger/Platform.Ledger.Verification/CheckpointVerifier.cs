using Platform.Crypto.Jose;
namespace Platform.Ledger.Verification;

/// <summary>
/// A checkpoint is final when a majority of the replicas' keys signed it. Each replica counts once, and only
/// signatures by keys the verifier trusts count.
/// </summary>
public static class CheckpointVerifier
{
    public static VerificationResult VerifyQuorum(SignedCheckpoint signed, IReadOnlyList<ReplicaKey> replicaKeys)
    {
        var replicas = replicaKeys.Select(k => k.Replica).Distinct(StringComparer.Ordinal).Count();
        if (replicas == 0)
        {
            return VerificationResult.Invalid("No replica keys are known, so no signature can be checked.");
        }
        if (StrictBase64Url.TryDecode(signed.Checkpoint.RootHash) is not { Length: 32 })
        {
            return VerificationResult.Invalid("The checkpoint's root hash is not 32 bytes of base64url.");
        }
        var signingBytes = signed.Checkpoint.SigningBytes();
        var signers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var signature in signed.Signatures)
        {
            var key = replicaKeys.FirstOrDefault(k => k.Kid == signature.Kid && k.Replica == signature.Replica);
            if (key is not null && StrictBase64Url.TryDecode(signature.Signature) is { } bytes && key.Verifies(signingBytes, bytes))
            {
                signers.Add(signature.Replica);
            }
        }
        var needed = (replicas / 2) + 1;
        return signers.Count >= needed
            ? VerificationResult.Valid($"Checkpoint at size {signed.Checkpoint.TreeSize} signed by {signers.Count} of {replicas} replicas.")
            : VerificationResult.Invalid($"Only {signers.Count} of {replicas} replica signatures on the checkpoint are valid; a majority needs {needed}.");
    }
}
