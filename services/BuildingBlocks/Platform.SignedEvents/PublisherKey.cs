using Platform.Crypto.Jose;

namespace Platform.SignedEvents;

/// <summary>A publisher's registered public key: which service may sign with this kid.</summary>
public sealed record PublisherKey(string Issuer, P256Jwk Jwk)
{
    /// <summary>Created once per registered key and reused for every event it signed.</summary>
    public Es256Verifier Verifier { get; } = new(Jwk);
}
