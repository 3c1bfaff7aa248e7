using System.Buffers.Text;

namespace Platform.Identity.Credentials;

/// <summary>
/// Strict base64url (RFC 7515 §2: URL-safe alphabet, no padding). The platform decoder tolerates padding and
/// whitespace; digests are computed over the text as received, so anything outside the alphabet is refused
/// up front rather than silently decoded to the same bytes as a different string.
/// </summary>
internal static class Base64UrlText
{
    public static string Encode(ReadOnlySpan<byte> data) => Base64Url.EncodeToString(data);

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
}
