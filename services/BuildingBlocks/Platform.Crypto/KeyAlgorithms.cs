namespace Platform.Crypto;

/// <summary>Algorithm identifiers stored in <see cref="WrappedKey.Algorithm"/> and used for signing.</summary>
public static class KeyAlgorithms
{
    /// <summary>AES key wrap with padding (RFC 5649) under an AES-256 key; software and PKCS#11 providers.</summary>
    public const string Aes256KeyWrapPadded = "A256KWP";

    /// <summary>AES key wrap (RFC 3394) under an AES-256 key; Azure Managed HSM <c>oct-HSM</c> keys.</summary>
    public const string Aes256KeyWrap = "A256KW";

    /// <summary>RSA-OAEP with SHA-256; Azure Key Vault RSA keys.</summary>
    public const string RsaOaep256 = "RSA-OAEP-256";

    /// <summary>ECDSA on P-256 over SHA-256, JOSE raw r||s signature.</summary>
    public const string ES256 = "ES256";

    /// <summary>RSASSA-PKCS1-v1_5 over SHA-256 (RFC 7518 §3.3); ID tokens for relying parties that only accept RS256.</summary>
    public const string RS256 = "RS256";

    /// <summary>Size of the RSA signing keys every provider creates (RFC 7518 §3.3 asks for at least 2048).</summary>
    public const int RsaSigningKeySize = 2048;
}
