using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Platform.Ledger.Node;

/// <summary>
/// How a consortium replica proves which replica forwards a command to the leader (<c>POST /internal/commands</c>):
/// it signs the command with the private key of its Raft TLS certificate and sends the certificate along, instead of
/// presenting a token every institution holds. The leader accepts the certificate as it would on a Raft connection
/// (a member CA of the configuration in force, client authentication, bound to its institution), so a forward names
/// its replica and institution, follows governance without a secret to exchange, and one institution's credential
/// never lets anyone forward as another's replica.
/// </summary>
/// <remarks>
/// Signed bytes: the UTF-8 of <c>platform-ledger-forward/v1\n{ledgerId}\n{time}\n{hex SHA-256 of the body}\n</c>,
/// <c>time</c> in Unix milliseconds. The first line keeps the signature from being anything else the key signs (a TLS
/// 1.3 CertificateVerify starts with 64 spaces). ECDSA keys sign SHA-256 in IEEE P1363 form (r||s), RSA keys
/// PKCS#1 v1.5 with SHA-256. A signature is good for <see cref="Window"/> either side of the leader's clock, and once.
/// </remarks>
public static class ForwardSignature
{
    public const string CertificateHeader = "Ledger-Forwarder-Certificate";
    public const string TimeHeader = "Ledger-Forwarder-Time";
    public const string SignatureHeader = "Ledger-Forwarder-Signature";

    /// <summary>How far a forward's time may be from the leader's clock.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    public static byte[] SigningBytes(string ledgerId, long time, ReadOnlySpan<byte> body) => Encoding.UTF8.GetBytes(
        string.Create(CultureInfo.InvariantCulture, $"platform-ledger-forward/v1\n{ledgerId}\n{time}\n{Convert.ToHexStringLower(SHA256.HashData(body))}\n"));

    /// <summary>Adds the three headers to a forward of <paramref name="body"/>, signed by <paramref name="certificate"/>'s private key.</summary>
    public static void Sign(HttpRequestMessage request, X509Certificate2 certificate, string ledgerId, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        var time = now.ToUnixTimeMilliseconds();
        var bytes = SigningBytes(ledgerId, time, body);
        byte[] signature;
        if (certificate.GetECDsaPrivateKey() is { } ec)
        {
            using (ec)
                signature = ec.SignData(bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        else
        {
            using var rsa = certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException("The Raft TLS certificate's key is neither ECDSA nor RSA.");
            signature = rsa.SignData(bytes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        request.Headers.Add(CertificateHeader, Convert.ToBase64String(certificate.RawData));
        request.Headers.Add(TimeHeader, time.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(SignatureHeader, Convert.ToBase64String(signature));
    }

    /// <summary>Whether <paramref name="signature"/> is <paramref name="certificate"/>'s key's over <paramref name="bytes"/>.</summary>
    public static bool Verify(X509Certificate2 certificate, byte[] bytes, byte[] signature)
    {
        try
        {
            if (certificate.GetECDsaPublicKey() is { } ec)
            {
                using (ec)
                    return ec.VerifyData(bytes, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
            }
            using var rsa = certificate.GetRSAPublicKey();
            return rsa is not null && rsa.VerifyData(bytes, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
