using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Platform.SignedEvents;

/// <summary>
/// Blinded identifiers and salted hashes for v2 events (docs/ledger-receipts.md, "Openings"). Every value is an
/// HMAC-SHA256 keyed with a 32-byte secret of one consent (consent events) or one access event (access events): the
/// secret stays with the publishing service and is handed to the patient with their receipt. Without it a ledger
/// reader cannot link two entries to one person, nor brute-force what a low-entropy hash hides; with it, the patient
/// proves the link (their pseudonym → subject, the consent's canonical form → consentHash).
/// </summary>
public static class LedgerBlinding
{
    public const int SaltSize = 32;

    /// <summary>Prefix of every blinded identifier's input, so an identifier can never collide with a hashed document.</summary>
    public const string IdentifierLabel = "platform.ledger.id.v1";

    public const string SubjectRole = "subject";
    public const string ActorRole = "actor";

    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltSize);

    /// <summary>base64url(HMAC-SHA256(salt, "platform.ledger.id.v1\n{role}\n{id}")): 43 characters, a valid pseudonym.</summary>
    public static string Identifier(byte[] salt, string role, string id)
    {
        CheckSalt(salt);
        return Base64Url.EncodeToString(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes($"{IdentifierLabel}\n{role}\n{id}")));
    }

    /// <summary>Lowercase hex HMAC-SHA256(salt, data).</summary>
    public static string Hash(byte[] salt, ReadOnlySpan<byte> data)
    {
        CheckSalt(salt);
        return Convert.ToHexStringLower(HMACSHA256.HashData(salt, data));
    }

    /// <summary>A record version's hash (lowercase hex SHA-256) salted: HMAC over its 32 bytes.</summary>
    public static string RecordHash(byte[] salt, string recordHashHex) => Hash(salt, Convert.FromHexString(recordHashHex));

    private static void CheckSalt(byte[] salt)
    {
        ArgumentNullException.ThrowIfNull(salt);
        if (salt.Length != SaltSize)
        {
            throw new ArgumentException($"A ledger salt is {SaltSize} bytes.", nameof(salt));
        }
    }
}
