using System.Buffers.Text;
using System.Text;

namespace Platform.SignedEvents;

/// <summary>The three parts of a compact JWS (RFC 7515 §7.1), decoded, plus the exact bytes that were signed.</summary>
public sealed record JwsCompact(byte[] Header, byte[] Payload, byte[] Signature, byte[] SigningInput)
{
    /// <summary>Splits and decodes; null when the text is not three base64url parts.</summary>
    public static JwsCompact? TryParse(string text)
    {
        var parts = text.Split('.');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
        {
            return null;
        }
        try
        {
            return new JwsCompact(
                Base64Url.DecodeFromChars(parts[0]),
                Base64Url.DecodeFromChars(parts[1]),
                Base64Url.DecodeFromChars(parts[2]),
                Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static string Encode(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) =>
        Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(payload);
}
