namespace Platform.ServiceDefaults.Dpop;

/// <summary>What <see cref="DpopProofValidator"/> found: the key thumbprint (<c>jkt</c>) of a valid proof, or why not.</summary>
public sealed record DpopProofResult(bool IsValid, string? Thumbprint, string? Error, string? Description)
{
    /// <summary>RFC 9449 §7.1 / §8: the proof is missing or wrong.</summary>
    public const string InvalidProof = "invalid_dpop_proof";

    /// <summary>RFC 9449 §8 / §9: the proof lacks the server's current nonce; a fresh one goes in <c>DPoP-Nonce</c>.</summary>
    public const string UseNonce = "use_dpop_nonce";

    public static DpopProofResult Valid(string thumbprint) => new(true, thumbprint, null, null);

    public static DpopProofResult Invalid(string description) => new(false, null, InvalidProof, description);

    public static DpopProofResult NonceRequired() => new(false, null, UseNonce, "Resend the request with the nonce in DPoP-Nonce.");
}
