using System.Text.Json.Serialization;
using Platform.Crypto.Jose;

namespace Platform.Ledger.Verification;

/// <summary>A replica's public checkpoint-signing key as a JWK (EC P-256, ES256).</summary>
public sealed record ReplicaKey(
    [property: JsonPropertyName("replica")] string Replica,
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("kty")] string Kty,
    [property: JsonPropertyName("crv")] string Crv,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y)
{
    /// <summary>The key as the platform's JWK; null when it is not EC P-256 with 32-byte base64url coordinates.</summary>
    public P256Jwk? TryGetJwk() => P256Jwk.TryFromMembers(Kty, Crv, X, Y, Kid);

    /// <summary>Verifies an ES256 signature (64-byte r||s) over <paramref name="data"/>; false for anything malformed.</summary>
    public bool Verifies(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        TryGetJwk() is { } jwk && jwk.VerifyES256(data, signature);
}
