using System.Buffers.Text;

namespace Platform.Crypto.Jose;

/// <summary>
/// Decoding of base64url as JOSE writes it (RFC 7515 §2: URL-safe alphabet, no padding, no whitespace). Encoding is
/// the BCL's <see cref="Base64Url.EncodeToString(ReadOnlySpan{byte})"/>; its decoder tolerates padding and whitespace,
/// and signatures and digests here are computed over text as received, so anything outside the alphabet is refused
/// rather than silently decoded to the same bytes as a different string.
/// </summary>
public static class StrictBase64Url
{
    /// <summary>False for empty text and anything that is not unpadded base64url.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        // Length 4n+1 cannot come from any byte string.
        if (text.IsEmpty || text.Length % 4 == 1)
        {
            return false;
        }
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>The decoded bytes, or null when <paramref name="text"/> is null, empty or not unpadded base64url.</summary>
    public static byte[]? TryDecode(string? text) =>
        text is not null && TryDecode(text.AsSpan(), out var bytes) ? bytes : null;
}
