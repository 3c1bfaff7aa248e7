using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Azure.Core;

namespace Platform.Crypto.AzureKeyVault;

/// <summary>RSA Key Vault key for RS256; the digest is computed here and Key Vault signs it (<c>sign</c>, alg RS256).</summary>
internal sealed class AzureKeyVaultRsaSigningKey(KeyVaultRestClient client, string name, string version, string kid, RSAParameters publicParameters)
    : IRsaSigningKey
{
    /// <summary>The full Key Vault key id (<c>https://{vault}/keys/{name}/{version}</c>), which includes the version.</summary>
    public string KeyId => kid;

    public string Algorithm => KeyAlgorithms.RS256;

    public RSAParameters PublicParameters => publicParameters;

    public async Task<byte[]> SignDigestAsync(ReadOnlyMemory<byte> sha256Digest, CancellationToken cancellationToken)
    {
        RsaSignatures.ValidateDigest(sha256Digest);
        var body = new JsonObject
        {
            ["alg"] = KeyAlgorithms.RS256,
            ["value"] = Base64Url.EncodeToString(sha256Digest.Span),
        };
        using var response = await client.SendAsync(RequestMethod.Post, "sign", name, [version, "sign"], body,
            notFoundIsNull: false, cancellationToken).ConfigureAwait(false);
        var signature = AzureKeyVaultKeyEncryptionKey.ReadResult(response!, "sign").Value;
        // The vault is trusted, but a wrong key or algorithm must not produce a token nobody can verify.
        if (!RsaSignatures.Verifies(publicParameters, sha256Digest.Span, signature))
        {
            throw new KeyProviderException($"Key Vault sign with key '{name}' returned an RS256 signature that does not verify.");
        }
        return signature;
    }
}
