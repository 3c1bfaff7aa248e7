using System.Text.Json.Nodes;

namespace Platform.Identity.Credentials;

/// <summary>The outcome of <see cref="SdJwtVerifier.VerifyAsync"/>: the processed claims, or why the presentation was refused.</summary>
public sealed class SdJwtVerificationResult
{
    private SdJwtVerificationResult(JsonObject? claims, IReadOnlyList<Disclosure> disclosures, JsonObject? keyBindingClaims,
        SdJwtError? error, string? errorDetail)
    {
        Claims = claims;
        Disclosures = disclosures;
        KeyBindingClaims = keyBindingClaims;
        Error = error;
        ErrorDetail = errorDetail;
    }

    public bool IsValid => Error is null;

    /// <summary>
    /// The verified payload with the presented disclosures merged in and <c>_sd</c>, <c>_sd_alg</c> and undisclosed
    /// array elements removed (RFC 9901 §7.1); null on failure.
    /// </summary>
    public JsonObject? Claims { get; }

    /// <summary>The disclosures that were presented and verified; empty on failure.</summary>
    public IReadOnlyList<Disclosure> Disclosures { get; }

    /// <summary>The verified Key Binding JWT payload, when key binding was checked.</summary>
    public JsonObject? KeyBindingClaims { get; }

    public SdJwtError? Error { get; }

    /// <summary>Stable wire code of <see cref="Error"/> (e.g. <c>kb_nonce_mismatch</c>).</summary>
    public string? ErrorCode => Error?.ToCode();

    /// <summary>Human-readable reason; names claims, never their values.</summary>
    public string? ErrorDetail { get; }

    internal static SdJwtVerificationResult Success(JsonObject claims, IReadOnlyList<Disclosure> disclosures, JsonObject? keyBindingClaims) =>
        new(claims, disclosures, keyBindingClaims, null, null);

    internal static SdJwtVerificationResult Failure(SdJwtError error, string detail) => new(null, [], null, error, detail);
}
