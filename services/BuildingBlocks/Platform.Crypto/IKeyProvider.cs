namespace Platform.Crypto;

/// <summary>Where keys live: an HSM over PKCS#11, Azure Key Vault / Managed HSM, or (development only) files.</summary>
public interface IKeyProvider
{
    /// <summary>Short provider name for logs and health output, e.g. <c>Pkcs11</c>.</summary>
    string ProviderName { get; }

    /// <summary>Returns the named KEK, creating its first version when it does not exist (where the provider can).</summary>
    /// <exception cref="ArgumentException">The name is not a valid key name (see <see cref="KeyNames"/>).</exception>
    /// <exception cref="KeyProviderException">The provider is unreachable, misconfigured, or refused the request.</exception>
    Task<IKeyEncryptionKey> GetKeyEncryptionKeyAsync(string name, CancellationToken cancellationToken);

    /// <summary>Returns the named ES256 signing key, creating it when it does not exist (where the provider can).</summary>
    Task<ISigningKey> GetSigningKeyAsync(string name, CancellationToken cancellationToken);

    /// <summary>Returns the named RS256 (RSA 2048) signing key, creating it when it does not exist (where the provider can).</summary>
    Task<IRsaSigningKey> GetRsaSigningKeyAsync(string name, CancellationToken cancellationToken);

    /// <summary>Creates a new version of the named KEK and makes it current; returns the new version.</summary>
    Task<string> RotateKeyEncryptionKeyAsync(string name, CancellationToken cancellationToken);

    /// <summary>True when keys can be used right now; drives the readiness health check, never throws.</summary>
    Task<bool> IsAvailableAsync(CancellationToken cancellationToken);
}
