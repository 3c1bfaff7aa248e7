using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Azure.Core;
using Platform.Crypto.Jose;

namespace Platform.Crypto.AzureKeyVault;

/// <summary>EC P-256 Key Vault key; the digest is computed here and Key Vault signs it (<c>sign</c>, alg ES256).</summary>
internal sealed class AzureKeyVaultSigningKey(KeyVaultRestClient client, string name, string version, P256Jwk jwk) : ISigningKey
{
    private const int SignatureLength = 64;

    /// <summary>The full Key Vault key id (<c>https://{vault}/keys/{name}/{version}</c>), which includes the version.</summary>
    public string KeyId => jwk.Kid;

    public string Algorithm => KeyAlgorithms.ES256;

    public Task<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        SignDigestAsync(SHA256.HashData(data.Span), cancellationToken);

    public async Task<byte[]> SignDigestAsync(ReadOnlyMemory<byte> sha256Digest, CancellationToken cancellationToken)
    {
        SigningDigest.Validate(sha256Digest);
        var body = new JsonObject
        {
            ["alg"] = KeyAlgorithms.ES256,
            ["value"] = Base64Url.EncodeToString(sha256Digest.Span),
        };
        using var response = await client.SendAsync(RequestMethod.Post, "sign", name, [version, "sign"], body,
            notFoundIsNull: false, cancellationToken).ConfigureAwait(false);
        var signature = AzureKeyVaultKeyEncryptionKey.ReadResult(response!, "sign").Value;
        // Key Vault's ES256 result is already JOSE r||s; check the size so a wrong key type cannot slip through.
        if (signature.Length != SignatureLength)
        {
            throw new KeyProviderException($"Key Vault sign with key '{name}' returned a {signature.Length}-byte signature; expected {SignatureLength}.");
        }
        return signature;
    }

    public P256Jwk GetPublicJwk() => jwk;
}
