using Platform.Crypto;
using Platform.Crypto.Jose;

namespace Platform.Identity.Credentials;

/// <summary>
/// Finds the trusted public key of <paramref name="issuer"/> with <paramref name="keyId"/> (the JWS <c>kid</c>, null when
/// absent), typically from the issuer's JWKS in its <c>/.well-known/jwt-vc-issuer</c> metadata. Return null for an
/// untrusted issuer or unknown key. The issuer comes from the not-yet-verified payload: the key it selects is what
/// then verifies it, so a resolver must only return keys that really belong to that issuer.
/// </summary>
public delegate ValueTask<P256Jwk?> IssuerKeyResolver(string issuer, string? keyId, CancellationToken cancellationToken);
