using System.Text.Json.Nodes;
using Platform.Crypto;
using Platform.Crypto.Jose;

namespace Platform.Identity.Credentials;

/// <summary>
/// Verifies an SD-JWT VC presentation (RFC 9901 §7.1 and §7.3, draft-ietf-oauth-sd-jwt-vc): issuer signature (ES256
/// only) with a trusted key, <c>typ</c>, validity times, <c>_sd_alg</c>, every disclosure, and the Key Binding JWT
/// when policy requires it. Returns the processed claims or the first failure with a stable code.
/// </summary>
public sealed class SdJwtVerifier
{
    private readonly SdJwtVerifierOptions _options;
    private readonly TimeProvider _timeProvider;

    public SdJwtVerifier(SdJwtVerifierOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.ResolveIssuerKey, nameof(options.ResolveIssuerKey));
        ArgumentException.ThrowIfNullOrEmpty(options.ExpectedType, nameof(options.ExpectedType));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ClockSkew, TimeSpan.Zero, nameof(options.ClockSkew));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.KeyBindingMaxAge, TimeSpan.Zero, nameof(options.KeyBindingMaxAge));
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <param name="presentation">The compact SD-JWT or SD-JWT+KB as received.</param>
    /// <param name="keyBinding">
    /// The audience and nonce this verifier expects in the Key Binding JWT; required when
    /// <see cref="SdJwtVerifierOptions.RequireKeyBinding"/>. When null (and not required) a Key Binding JWT is ignored.
    /// </param>
    /// <param name="cancellationToken">Cancels key resolution.</param>
    public async Task<SdJwtVerificationResult> VerifyAsync(string presentation, KeyBindingChallenge? keyBinding,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(presentation);
        if (_options.RequireKeyBinding && keyBinding is null)
        {
            throw new ArgumentNullException(nameof(keyBinding), "This verifier requires key binding: pass the audience and nonce it issued.");
        }
        try
        {
            var sdJwt = SdJwt.Parse(presentation);
            var jws = JwtObjects.Parse(sdJwt.IssuerSignedJwt, SdJwtError.Malformed);
            jws.CheckHeader(_options.ExpectedType, SdJwtError.UnsupportedAlgorithm, SdJwtError.InvalidType);
            await VerifyIssuerSignatureAsync(jws, cancellationToken).ConfigureAwait(false);

            // Only now is the payload the issuer's.
            var payload = jws.Payload;
            var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
            CheckValidity(payload, now);
            CheckCredentialType(payload);
            CheckDigestAlgorithm(payload);

            if (_options.IsRevoked is { } isRevoked && payload["status"] is JsonObject status && await isRevoked(status, cancellationToken).ConfigureAwait(false))
            {
                throw new SdJwtException(SdJwtError.Revoked, "The issuer's status list marks this credential revoked.");
            }
            var claims = DisclosureProcessor.Process((JsonObject)payload.DeepClone(), sdJwt.Disclosures);
            var keyBindingClaims = keyBinding is null ? null : VerifyKeyBinding(sdJwt, payload, keyBinding, now);
            return SdJwtVerificationResult.Success(claims, sdJwt.Disclosures, keyBindingClaims);
        }
        catch (SdJwtException ex)
        {
            return SdJwtVerificationResult.Failure(ex.Error, ex.Message);
        }
    }

    private async Task VerifyIssuerSignatureAsync(JwtObjects.Parsed jws, CancellationToken cancellationToken)
    {
        var issuer = JsonText.Get(jws.Payload, "iss")
            ?? throw new SdJwtException(SdJwtError.MissingClaim, "The issuer-signed JWT has no string 'iss'.");
        string? keyId = null;
        if (jws.Header.TryGetPropertyValue("kid", out _))
        {
            keyId = JsonText.Get(jws.Header, "kid") ?? throw new SdJwtException(SdJwtError.Malformed, "The JWS 'kid' is not a string.");
        }
        var key = await _options.ResolveIssuerKey(issuer, keyId, cancellationToken).ConfigureAwait(false);
        if (key is null || (key.Alg.Length > 0 && key.Alg != KeyAlgorithms.ES256))
        {
            throw new SdJwtException(SdJwtError.UnknownIssuerKey, $"No trusted ES256 key for this issuer with kid '{keyId}'.");
        }
        if (!jws.Jws.VerifiesWith(key))
        {
            throw new SdJwtException(SdJwtError.InvalidSignature, "The issuer signature does not verify.");
        }
    }

    private void CheckValidity(JsonObject payload, double now)
    {
        var skew = _options.ClockSkew.TotalSeconds;
        var exp = JsonText.GetNumericDate(payload, "exp", SdJwtError.Malformed);
        if (exp is null && _options.RequireExpiration)
        {
            throw new SdJwtException(SdJwtError.Expired, "The credential has no 'exp'.");
        }
        if (exp is { } expires && now - skew >= expires)
        {
            throw new SdJwtException(SdJwtError.Expired, "The credential has expired.");
        }
        if (JsonText.GetNumericDate(payload, "nbf", SdJwtError.Malformed) is { } notBefore && now + skew < notBefore)
        {
            throw new SdJwtException(SdJwtError.NotYetValid, "The credential is not valid yet (nbf).");
        }
        if (JsonText.GetNumericDate(payload, "iat", SdJwtError.Malformed) is { } issuedAt && issuedAt > now + skew)
        {
            throw new SdJwtException(SdJwtError.IssuedInFuture, "The credential was issued in the future (iat).");
        }
    }

    private void CheckCredentialType(JsonObject payload)
    {
        var vct = JsonText.Get(payload, "vct");
        if (vct is null)
        {
            if (_options.RequireVct || payload.ContainsKey("vct"))
            {
                throw new SdJwtException(SdJwtError.MissingClaim, "The credential has no string 'vct'.");
            }
            return;
        }
        if (_options.AcceptedVcts is { } accepted && !accepted.Contains(vct))
        {
            throw new SdJwtException(SdJwtError.UnexpectedCredentialType, $"Credential type '{vct}' is not accepted here.");
        }
    }

    private static void CheckDigestAlgorithm(JsonObject payload)
    {
        // RFC 9901 §4.1.1: absent means sha-256.
        if (payload.ContainsKey(SdJwtConstants.SdAlgClaim) && JsonText.Get(payload, SdJwtConstants.SdAlgClaim) != SdJwtConstants.Sha256)
        {
            throw new SdJwtException(SdJwtError.UnsupportedDigestAlgorithm, "Only _sd_alg 'sha-256' is supported.");
        }
    }

    // RFC 9901 §7.3 step 5.
    private JsonObject VerifyKeyBinding(SdJwt sdJwt, JsonObject issuerPayload, KeyBindingChallenge challenge, double now)
    {
        if (sdJwt.KeyBindingJwt is null)
        {
            throw new SdJwtException(SdJwtError.KeyBindingMissing, "Key binding is required but the presentation has no Key Binding JWT.");
        }
        var jws = JwtObjects.Parse(sdJwt.KeyBindingJwt, SdJwtError.KeyBindingMalformed);
        jws.CheckHeader(SdJwtConstants.KeyBindingJwtType, SdJwtError.KeyBindingUnsupportedAlgorithm, SdJwtError.KeyBindingInvalidType);

        var holderKey = P256Jwk.TryRead((issuerPayload["cnf"] as JsonObject)?["jwk"] as JsonObject)
            ?? throw new SdJwtException(SdJwtError.HolderKeyMissing, "The credential has no EC P-256 holder key in cnf.jwk.");
        if (!jws.Jws.VerifiesWith(holderKey))
        {
            throw new SdJwtException(SdJwtError.KeyBindingInvalidSignature, "The Key Binding JWT is not signed by the holder key.");
        }

        var claims = jws.Payload;
        var skew = _options.ClockSkew.TotalSeconds;
        var issuedAt = JsonText.GetNumericDate(claims, "iat", SdJwtError.KeyBindingMalformed)
            ?? throw new SdJwtException(SdJwtError.KeyBindingMalformed, "The Key Binding JWT has no 'iat'.");
        if (issuedAt > now + skew
            || JsonText.GetNumericDate(claims, "nbf", SdJwtError.KeyBindingMalformed) is { } nbf && nbf > now + skew)
        {
            throw new SdJwtException(SdJwtError.KeyBindingNotYetValid, "The Key Binding JWT is dated in the future.");
        }
        if (issuedAt < now - _options.KeyBindingMaxAge.TotalSeconds - skew
            || JsonText.GetNumericDate(claims, "exp", SdJwtError.KeyBindingMalformed) is { } exp && now - skew >= exp)
        {
            throw new SdJwtException(SdJwtError.KeyBindingStale, "The Key Binding JWT is too old.");
        }
        // aud as a single string: a proof addressed to several verifiers could be replayed among them.
        if (JsonText.Get(claims, "aud") != challenge.Audience)
        {
            throw new SdJwtException(SdJwtError.KeyBindingAudienceMismatch, "The Key Binding JWT is addressed to another audience.");
        }
        if (JsonText.Get(claims, "nonce") != challenge.Nonce)
        {
            throw new SdJwtException(SdJwtError.KeyBindingNonceMismatch, "The Key Binding JWT carries another nonce.");
        }
        var sdHash = JsonText.Get(claims, SdJwtConstants.SdHashClaim)
            ?? throw new SdJwtException(SdJwtError.KeyBindingMalformed, "The Key Binding JWT has no 'sd_hash'.");
        if (sdHash != SdJwtDigest.Of(sdJwt.WithoutKeyBinding))
        {
            throw new SdJwtException(SdJwtError.KeyBindingSdHashMismatch,
                "The Key Binding JWT's sd_hash does not match the presented SD-JWT and disclosures.");
        }
        return claims;
    }
}
