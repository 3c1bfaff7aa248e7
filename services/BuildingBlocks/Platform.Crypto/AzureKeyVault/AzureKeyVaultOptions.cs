namespace Platform.Crypto.AzureKeyVault;

/// <summary>Configuration section <c>AzureKeyVault</c> of the key provider section.</summary>
public sealed class AzureKeyVaultOptions
{
    /// <summary>Vault or Managed HSM URI, e.g. <c>https://myvault.vault.azure.net/</c> or <c>https://myhsm.managedhsm.azure.net/</c>.</summary>
    public Uri? VaultUri { get; set; }

    /// <summary>Key Vault REST API version sent as <c>api-version</c>.</summary>
    public string ApiVersion { get; set; } = "7.4";

    /// <summary>
    /// True for Azure Managed HSM: token scope <c>https://managedhsm.azure.net/.default</c> and new KEKs are
    /// <c>oct-HSM</c> AES-256 keys wrapping with <c>A256KW</c>. False: vault scope and RSA keys with <c>RSA-OAEP-256</c>.
    /// </summary>
    public bool ManagedHsm { get; set; }

    /// <summary>Vaults only: create HSM-protected keys (<c>RSA-HSM</c>/<c>EC-HSM</c>, premium tier) rather than software keys.</summary>
    public bool HsmBackedKeys { get; set; } = true;

    /// <summary>Modulus size of new RSA KEKs.</summary>
    public int RsaKeySize { get; set; } = 3072;

    /// <summary>Client id of a user-assigned managed identity; empty uses the default credential chain.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Retries on 408/429/5xx and network errors; 429 retries wait at least the server's Retry-After.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Base delay of the exponential retry back-off.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(0.8);

    /// <summary>Timeout of one HTTP attempt.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>OAuth scope requested from the token credential.</summary>
    public string Scope => ManagedHsm ? "https://managedhsm.azure.net/.default" : "https://vault.azure.net/.default";

    /// <summary>Throws when the configuration cannot work.</summary>
    public void Validate()
    {
        if (VaultUri is null || !VaultUri.IsAbsoluteUri || VaultUri.Scheme != Uri.UriSchemeHttps)
        {
            throw new KeyProviderException("The Azure Key Vault key provider needs AzureKeyVault:VaultUri, an absolute https URI.");
        }
        if (string.IsNullOrWhiteSpace(ApiVersion))
        {
            throw new KeyProviderException("AzureKeyVault:ApiVersion must not be empty.");
        }
    }
}
