using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Identity.Vci;

/// <summary>base64url SHA-256 of secrets kept only as digests (pre-authorized codes, transaction codes, nonces).</summary>
internal static class Digest
{
    public static string Of(string value) => Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    public static string RandomToken(int bytes = 32) => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));

    public static bool Same(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
