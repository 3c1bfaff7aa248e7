using System.Collections.Concurrent;
using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Platform.Crypto.Jose;

namespace Platform.Crypto.Pkcs11;

/// <summary>EC P-256 key pair on the token; SHA-256 is computed here and the token signs the digest (CKM_ECDSA).</summary>
internal sealed class Pkcs11SigningKey(Pkcs11Token token, string label, string version, P256Jwk jwk) : ISigningKey
{
    private const int SignatureLength = 64;

    /// <summary>Public-key objects for checking signatures, pooled: an ECDsa instance is not for concurrent use.</summary>
    private readonly ConcurrentBag<ECDsa> _verifiers = [];

    /// <summary>
    /// The private key's handle and the connection it was found under: finding it (C_FindObjects with a template) cost
    /// more than the signature itself (docs/benchmarks.md, issue #18). Dropped after any failed attempt, so a handle that
    /// went stale (key destroyed, token reconnected) is looked up again on the retry.
    /// </summary>
    private volatile CachedHandle? _privateKey;

    public string KeyId => jwk.Kid;

    public string Algorithm => KeyAlgorithms.ES256;

    public Task<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        SignDigestAsync(SHA256.HashData(data.Span), cancellationToken);

    public Task<byte[]> SignDigestAsync(ReadOnlyMemory<byte> sha256Digest, CancellationToken cancellationToken)
    {
        SigningDigest.Validate(sha256Digest);
        cancellationToken.ThrowIfCancellationRequested();
        var digest = sha256Digest.ToArray();
        try
        {
            return Task.FromResult(token.RunWithRetries(session => Sign(session, digest)));
        }
        catch (Exception ex) when (Pkcs11Errors.IsTokenError(ex))
        {
            throw new KeyProviderException(
                $"PKCS#11 signing with key '{label}' version {version} on token '{token.TokenLabel}' failed {Pkcs11Token.Attempts} times "
                + $"(last: {Pkcs11Errors.Describe(ex)}).", ex);
        }
    }

    public P256Jwk GetPublicJwk() => jwk;

    /// <summary>One attempt; the signature leaves only once it verifies with the public key.</summary>
    private byte[] Sign(ISession session, byte[] digest)
    {
        var key = PrivateKey(session);
        try
        {
            using var mechanism = session.Factories.MechanismFactory.Create(CKM.CKM_ECDSA);
            var signature = session.Sign(mechanism, key, digest);
            // PKCS#11 ECDSA output is already r||s, the JOSE form. Check it with the public key before it leaves, so that
            // a module that misbehaves cannot emit a signature nobody can verify (cheap next to signing on the token); this
            // also proves a cached handle still names this key.
            return signature.Length == SignatureLength && Verifies(digest, signature)
                ? signature
                : throw new Pkcs11RetryableException($"Signing key '{label}' version {version} returned a signature that does not verify.");
        }
        catch
        {
            _privateKey = null;
            throw;
        }
    }

    /// <summary>The private key's handle: the cached one if it was found under the current connection, else found now.</summary>
    private IObjectHandle PrivateKey(ISession session)
    {
        var connection = token.Connection;
        if (_privateKey is { } cached && cached.Connection == connection)
        {
            return cached.Handle;
        }
        // "Not found" and a signature that does not verify are retried before they count (docs/keys.md).
        var key = Pkcs11Objects.Find(session, CKO.CKO_PRIVATE_KEY, label, version)
                  ?? throw new Pkcs11RetryableException($"Signing key '{label}' version {version} was not found on token '{token.TokenLabel}'.", objectMissing: true);
        _privateKey = new CachedHandle(connection, key);
        return key;
    }

    private bool Verifies(byte[] digest, byte[] signature)
    {
        var verifier = _verifiers.TryTake(out var pooled) ? pooled : ECDsa.Create(jwk.ToECParameters());
        try
        {
            return verifier.VerifyHash(digest, signature, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        finally
        {
            _verifiers.Add(verifier);
        }
    }

    private sealed record CachedHandle(int Connection, IObjectHandle Handle);
}
