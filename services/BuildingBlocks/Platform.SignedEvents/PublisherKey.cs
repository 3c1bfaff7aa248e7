using Platform.Crypto;

namespace Platform.SignedEvents;

/// <summary>A publisher's registered public key: which service may sign with this kid.</summary>
public sealed record PublisherKey(string Issuer, JsonWebKeyInfo Jwk)
{
    // Created once per registered key and reused for every event it signed.
    private readonly Es256Verifier _verifier = new(Jwk);

    public bool Verifies(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) => _verifier.Verify(data, signature);
}
