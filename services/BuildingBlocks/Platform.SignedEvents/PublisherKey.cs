using Platform.Crypto;

namespace Platform.SignedEvents;

/// <summary>A publisher's registered public key: which service may sign with this kid.</summary>
public sealed record PublisherKey(string Issuer, JsonWebKeyInfo Jwk);
