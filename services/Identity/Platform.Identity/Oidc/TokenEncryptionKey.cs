namespace Platform.Identity.Oidc;

/// <summary>
/// The AES-256 key OpenIddict encrypts its own JWE tokens with, stored only wrapped by the key-encryption key
/// <c>oidc-token-encryption</c> (HSM, Key Vault or the dev host's software key). One row, shared by every replica.
/// </summary>
public sealed class TokenEncryptionKey
{
    public const string KeyEncryptionKeyName = "oidc-token-encryption";

    public int Id { get; set; }

    public string KekName { get; set; } = "";

    public string KekVersion { get; set; } = "";

    public string Algorithm { get; set; } = "";

    public byte[] WrappedKey { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }
}
