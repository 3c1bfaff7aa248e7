using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Crypto;
using Platform.Crypto.Jose;
using Platform.Identity.Kyc;
using Platform.ServiceDefaults;

namespace Platform.Identity.Verification;

/// <summary>
/// The holder's proof of possession when asking for a credential: a compact JWS (ES256, <c>typ</c>
/// <c>openid4vci-proof+jwt</c>) carrying the holder's public key in its header (<c>jwk</c>) and, in its payload,
/// this issuer as <c>aud</c> (exactly the issuer identifier), a fresh <c>iat</c> and the <c>c_nonce</c> from the nonce
/// endpoint as <c>nonce</c> (consumed by <see cref="VerifiedIdentityIssuance"/>). The credential is bound to that key
/// (<c>cnf.jwk</c>).
/// </summary>
public static class HolderProof
{
    public const string Type = "openid4vci-proof+jwt";
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    /// <exception cref="ProblemException">The proof is malformed, signed by another key, for another issuer, or stale.</exception>
    public static VerifiedHolderProof Verify(string? proof, string issuer, DateTimeOffset now)
    {
        static ProblemException Invalid(string detail) => ProblemException.BadRequest(detail, "invalid_proof");
        if (proof?.Split('.').Length != 3)
        {
            throw Invalid("proof must be a compact JWS.");
        }
        JsonElement header, payload;
        var jws = CompactJws.TryParse(proof) ?? throw Invalid("proof is not valid base64url JSON.");
        try
        {
            header = JsonDocument.Parse(jws.Header).RootElement;
            payload = JsonDocument.Parse(jws.Payload).RootElement;
        }
        catch (JsonException)
        {
            throw Invalid("proof is not valid base64url JSON.");
        }
        if (header.ValueKind != JsonValueKind.Object || !header.TryGetProperty("alg", out var alg) || alg.GetString() != KeyAlgorithms.ES256)
        {
            throw Invalid("proof must be signed with ES256.");
        }
        if (!header.TryGetProperty("typ", out var typ) || typ.GetString() != Type)
        {
            throw Invalid($"proof typ must be {Type}.");
        }
        if (!header.TryGetProperty("jwk", out var jwkElement) || jwkElement.ValueKind != JsonValueKind.Object ||
            jwkElement.TryGetProperty("d", out _) ||
            P256Jwk.TryRead(JsonNode.Parse(jwkElement.GetRawText()) as JsonObject) is not { } holderKey)
        {
            throw Invalid("proof must carry the holder's public P-256 key as jwk (and no private part).");
        }
        var jwk = holderKey with { Kid = "holder" };
        if (!jws.VerifiesWith(jwk))
        {
            throw Invalid("proof signature does not verify with its jwk.");
        }
        if (!payload.TryGetProperty("aud", out var aud) || aud.ValueKind != JsonValueKind.String || aud.GetString() != issuer)
        {
            throw Invalid($"proof aud must be this issuer ({issuer}).");
        }
        if (!payload.TryGetProperty("iat", out var iat) || iat.ValueKind != JsonValueKind.Number ||
            (now - DateTimeOffset.FromUnixTimeSeconds(iat.GetInt64())).Duration() > MaxAge)
        {
            throw Invalid("proof iat must be within a minute of now.");
        }
        string? nonce = null;
        if (payload.TryGetProperty("nonce", out var nonceElement))
        {
            nonce = nonceElement.ValueKind == JsonValueKind.String ? nonceElement.GetString() : throw Invalid("proof nonce must be a string.");
        }
        string? iss = null;
        if (payload.TryGetProperty("iss", out var issElement))
        {
            iss = issElement.ValueKind == JsonValueKind.String ? issElement.GetString() : throw Invalid("proof iss must be a string.");
        }
        return new VerifiedHolderProof(jwk, nonce, iss);
    }
}

/// <summary>A proof whose signature, type, audience and age checked out: the holder key, and the nonce and iss it carries.</summary>
public sealed record VerifiedHolderProof(P256Jwk Key, string? Nonce, string? Issuer);
