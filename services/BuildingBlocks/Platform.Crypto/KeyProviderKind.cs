namespace Platform.Crypto;

/// <summary>Value of the <c>Provider</c> setting.</summary>
public enum KeyProviderKind
{
    /// <summary>Key files on disk; embedded development host only.</summary>
    Software,

    /// <summary>Any PKCS#11 HSM (SoftHSM2 in tests).</summary>
    Pkcs11,

    /// <summary>Azure Key Vault or Azure Managed HSM.</summary>
    AzureKeyVault,
}
