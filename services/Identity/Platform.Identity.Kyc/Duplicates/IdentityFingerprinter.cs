using System.Security.Cryptography;
using System.Text;

namespace Platform.Identity.Kyc;

/// <summary>
/// Computes <see cref="IdentityFingerprint"/>s for duplicate-identity detection:
/// HMAC-SHA256(key, "kyc-document-v1" ‖ 0x00 ‖ country ‖ 0x00 ‖ number) over UTF-8, where the number is upper-cased
/// with everything but A-Z and 0-9 removed (spaces, hyphens, fillers) and the country is canonical alpha-3
/// (<c>D&lt;&lt;</c> → <c>DEU</c>). A keyed hash rather than a plain one because document numbers are short and
/// structured enough to brute-force. The key comes from the caller's key store; only the hash leaves this class,
/// and the document number is neither kept nor logged.
/// </summary>
public sealed class IdentityFingerprinter
{
    /// <summary>HMAC-SHA256 keys shorter than the hash output weaken it (RFC 2104 §3).</summary>
    public const int MinimumKeyLength = 32;

    private static readonly byte[] Label = Encoding.UTF8.GetBytes("kyc-document-v1");

    private readonly byte[] _key;

    public IdentityFingerprinter(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinimumKeyLength)
        {
            throw new ArgumentException($"The key needs at least {MinimumKeyLength} bytes.", nameof(key));
        }

        _key = key.ToArray();
    }

    /// <summary>The fingerprint of a document; throws when the number has no letters or digits or the country is unknown.</summary>
    public IdentityFingerprint Compute(string documentNumber, string issuingCountry)
    {
        ArgumentNullException.ThrowIfNull(documentNumber);
        var number = NormalizeNumber(documentNumber);
        if (number.Length == 0)
        {
            throw new ArgumentException("The document number has no letters or digits.", nameof(documentNumber));
        }

        var country = CountryCodes.ToCanonical(issuingCountry)
            ?? throw new ArgumentException("The issuing country is not a known country code.", nameof(issuingCountry));

        var message = new byte[Label.Length + 1 + Encoding.UTF8.GetByteCount(country) + 1 + Encoding.UTF8.GetByteCount(number)];
        var span = message.AsSpan();
        Label.CopyTo(span);
        var offset = Label.Length + 1;
        offset += Encoding.UTF8.GetBytes(country, span[offset..]) + 1;
        Encoding.UTF8.GetBytes(number, span[offset..]);
        try
        {
            return new IdentityFingerprint(Convert.ToHexStringLower(HMACSHA256.HashData(_key, message)));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(message);
        }
    }

    /// <summary>The fingerprint of a parsed MRZ's document number and issuing state.</summary>
    public IdentityFingerprint Compute(MrzDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return Compute(document.DocumentNumber, document.IssuingState);
    }

    /// <summary>Upper case, only A-Z and 0-9: how forms, MRZs and OCR write the same number differently.</summary>
    public static string NormalizeNumber(string documentNumber)
    {
        ArgumentNullException.ThrowIfNull(documentNumber);
        return string.Concat(documentNumber.ToUpperInvariant().Where(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9')));
    }

    public override string ToString() => nameof(IdentityFingerprinter);
}
