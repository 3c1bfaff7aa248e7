namespace Platform.Identity.Credentials;

/// <summary>Why an SD-JWT was rejected. <see cref="SdJwtErrors.ToCode"/> gives the stable wire code.</summary>
public enum SdJwtError
{
    /// <summary>Not a well-formed SD-JWT / JWS / JSON structure.</summary>
    Malformed,
    /// <summary>Issuer-signed JWT not signed with ES256 (including <c>alg: none</c>), or carries <c>crit</c>.</summary>
    UnsupportedAlgorithm,
    /// <summary>Issuer-signed JWT has the wrong <c>typ</c>.</summary>
    InvalidType,
    /// <summary>No trusted key for the issuer and <c>kid</c>.</summary>
    UnknownIssuerKey,
    /// <summary>The issuer signature does not verify.</summary>
    InvalidSignature,
    /// <summary><c>exp</c> has passed (beyond the clock skew), or is missing where required.</summary>
    Expired,
    /// <summary><c>nbf</c> is in the future (beyond the clock skew).</summary>
    NotYetValid,
    /// <summary><c>iat</c> is in the future (beyond the clock skew).</summary>
    IssuedInFuture,
    /// <summary>A required claim (<c>iss</c>, <c>vct</c>) is missing or not a string.</summary>
    MissingClaim,
    /// <summary><c>vct</c> is not one the verifier accepts.</summary>
    UnexpectedCredentialType,
    /// <summary><c>_sd_alg</c> is not <c>sha-256</c>.</summary>
    UnsupportedDigestAlgorithm,
    /// <summary>A disclosure is not base64url of a JSON array of 2 or 3 elements with a valid salt and claim name.</summary>
    MalformedDisclosure,
    /// <summary>The same disclosure is presented more than once.</summary>
    DuplicateDisclosure,
    /// <summary>A digest occurs more than once in the payload (directly or through disclosures).</summary>
    DuplicateDigest,
    /// <summary>A disclosure's digest appears nowhere in the payload: tampered, or from another credential.</summary>
    DisclosureNotReferenced,
    /// <summary>An object-property disclosure referenced from an array, or an array-element disclosure from <c>_sd</c>.</summary>
    DisclosureTypeMismatch,
    /// <summary>A disclosed claim name already exists at its level.</summary>
    ClaimNameCollision,
    /// <summary>A disclosure supplies a claim that must be in the clear (<c>iss</c>, <c>exp</c>, <c>cnf</c>, <c>vct</c>, ...).</summary>
    ReservedClaimDisclosed,
    /// <summary>Key binding required but the presentation has no Key Binding JWT.</summary>
    KeyBindingMissing,
    /// <summary>The Key Binding JWT is not well formed or lacks a required claim.</summary>
    KeyBindingMalformed,
    /// <summary>The Key Binding JWT's <c>typ</c> is not <c>kb+jwt</c>.</summary>
    KeyBindingInvalidType,
    /// <summary>The Key Binding JWT is not signed with ES256 (including <c>alg: none</c>).</summary>
    KeyBindingUnsupportedAlgorithm,
    /// <summary>The credential has no usable holder key (<c>cnf.jwk</c>, EC P-256).</summary>
    HolderKeyMissing,
    /// <summary>The Key Binding JWT is not signed by the holder key in <c>cnf.jwk</c>.</summary>
    KeyBindingInvalidSignature,
    /// <summary>The Key Binding JWT's <c>aud</c> is not this verifier.</summary>
    KeyBindingAudienceMismatch,
    /// <summary>The Key Binding JWT's <c>nonce</c> is not the one this verifier issued.</summary>
    KeyBindingNonceMismatch,
    /// <summary>The Key Binding JWT is older than allowed (or its <c>exp</c> passed).</summary>
    KeyBindingStale,
    /// <summary>The Key Binding JWT's <c>iat</c> or <c>nbf</c> is in the future.</summary>
    KeyBindingNotYetValid,
    /// <summary>The Key Binding JWT's <c>sd_hash</c> does not match the presented SD-JWT and disclosures.</summary>
    KeyBindingSdHashMismatch,

    /// <summary>The issuer's status list marks the credential revoked (or its status cannot be established).</summary>
    Revoked,
}

/// <summary>Stable wire codes for <see cref="SdJwtError"/>; written out so renaming an enum member cannot change them.</summary>
public static class SdJwtErrors
{
    public static string ToCode(this SdJwtError error) => error switch
    {
        SdJwtError.Malformed => "malformed",
        SdJwtError.UnsupportedAlgorithm => "unsupported_alg",
        SdJwtError.InvalidType => "invalid_typ",
        SdJwtError.UnknownIssuerKey => "unknown_issuer_key",
        SdJwtError.InvalidSignature => "invalid_signature",
        SdJwtError.Expired => "expired",
        SdJwtError.Revoked => "revoked",
        SdJwtError.NotYetValid => "not_yet_valid",
        SdJwtError.IssuedInFuture => "issued_in_future",
        SdJwtError.MissingClaim => "missing_claim",
        SdJwtError.UnexpectedCredentialType => "unexpected_vct",
        SdJwtError.UnsupportedDigestAlgorithm => "unsupported_sd_alg",
        SdJwtError.MalformedDisclosure => "malformed_disclosure",
        SdJwtError.DuplicateDisclosure => "duplicate_disclosure",
        SdJwtError.DuplicateDigest => "duplicate_digest",
        SdJwtError.DisclosureNotReferenced => "disclosure_not_referenced",
        SdJwtError.DisclosureTypeMismatch => "disclosure_type_mismatch",
        SdJwtError.ClaimNameCollision => "claim_name_collision",
        SdJwtError.ReservedClaimDisclosed => "reserved_claim_disclosed",
        SdJwtError.KeyBindingMissing => "kb_missing",
        SdJwtError.KeyBindingMalformed => "kb_malformed",
        SdJwtError.KeyBindingInvalidType => "kb_invalid_typ",
        SdJwtError.KeyBindingUnsupportedAlgorithm => "kb_unsupported_alg",
        SdJwtError.HolderKeyMissing => "holder_key_missing",
        SdJwtError.KeyBindingInvalidSignature => "kb_invalid_signature",
        SdJwtError.KeyBindingAudienceMismatch => "kb_aud_mismatch",
        SdJwtError.KeyBindingNonceMismatch => "kb_nonce_mismatch",
        SdJwtError.KeyBindingStale => "kb_stale",
        SdJwtError.KeyBindingNotYetValid => "kb_not_yet_valid",
        SdJwtError.KeyBindingSdHashMismatch => "kb_sd_hash_mismatch",
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, "Unknown SD-JWT error."),
    };
}
