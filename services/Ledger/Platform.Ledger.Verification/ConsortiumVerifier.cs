using Platform.Crypto.Jose;
namespace Platform.Ledger.Verification;

/// <summary>
/// A consortium checkpoint is final when a majority of the member institutions signed it: each institution counts
/// once, whatever the number of its replicas that signed, and only with a key the configuration gives it.
/// </summary>
public static class ConsortiumVerifier
{
    /// <summary>The member institutions whose valid signatures the checkpoint carries, in the configuration's order.</summary>
    public static IReadOnlyList<string> Signers(SignedCheckpoint signed, ConsortiumConfiguration consortium)
    {
        var signingBytes = signed.Checkpoint.SigningBytes();
        var signers = new HashSet<string>(StringComparer.Ordinal);
        foreach (var signature in signed.Signatures)
        {
            var member = consortium.MemberOf(signature.Replica, signature.Kid);
            var key = member?.CheckpointKeys.First(k => k.Replica == signature.Replica && k.Kid == signature.Kid);
            if (key is not null && StrictBase64Url.TryDecode(signature.Signature) is { } bytes && key.Verifies(signingBytes, bytes))
            {
                signers.Add(member!.Name);
            }
        }
        return [.. consortium.Members.Select(m => m.Name).Where(signers.Contains)];
    }

    public static VerificationResult VerifyQuorum(SignedCheckpoint signed, ConsortiumConfiguration consortium)
    {
        if (consortium.Problem() is { } problem)
        {
            return VerificationResult.Invalid("The consortium configuration is unusable: " + problem);
        }
        if (signed.Checkpoint.LedgerId != consortium.LedgerId)
        {
            return VerificationResult.Invalid($"The checkpoint is of ledger '{signed.Checkpoint.LedgerId}', not the consortium's '{consortium.LedgerId}'.");
        }
        if (StrictBase64Url.TryDecode(signed.Checkpoint.RootHash) is not { Length: 32 })
        {
            return VerificationResult.Invalid("The checkpoint's root hash is not 32 bytes of base64url.");
        }
        var signers = Signers(signed, consortium);
        var named = signers.Count == 0 ? "none" : string.Join(", ", signers);
        return signers.Count >= consortium.Majority
            ? VerificationResult.Valid($"Checkpoint at size {signed.Checkpoint.TreeSize} signed by {signers.Count} of {consortium.Members.Count} member institutions: {named}.")
            : VerificationResult.Invalid($"Only {signers.Count} of {consortium.Members.Count} member institutions signed the checkpoint at size {signed.Checkpoint.TreeSize} ({named}); a majority needs {consortium.Majority}.");
    }
}
