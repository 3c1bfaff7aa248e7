using Microsoft.AspNetCore.Http;
using Platform.ServiceDefaults;

namespace Platform.RecordVault.Records;

/// <summary>
/// The clinician's own words for why a break-glass read is an emergency (<c>X-Break-Glass-Reason</c>): required with
/// <c>X-Break-Glass: true</c> on reads, 10 to 500 characters. HTTP header values are ASCII, so the text is sent as
/// UTF-8 percent-encoded (RFC 3986, <c>Uri.EscapeDataString</c>); plain ASCII without <c>%</c> may go as it is.
/// It is free text that may name a condition, so it is kept encrypted (<see cref="Access.BreakGlassReasonProtector"/>),
/// shown only to the patient and the clinician who wrote it, and never logged nor put on the ledger.
/// </summary>
public static class BreakGlassReason
{
    public const string Header = "X-Break-Glass-Reason";
    public const int MinLength = 10;
    public const int MaxLength = 500;

    // A percent-encoded character is at most 4 UTF-8 bytes of 3 header characters each.
    private const int MaxEncodedLength = MaxLength * 12;

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The decoded reason, or null when the header is absent; bad input is a 422 problem+json, checked before anything is read or stored.</summary>
    public static string? From(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Headers.TryGetValue(Header, out var values) || values.Count == 0)
        {
            return null;
        }
        if (values.Count > 1)
        {
            throw ProblemException.Unprocessable($"Send {Header} once.", "malformed_break_glass_reason");
        }
        var raw = values.ToString();
        if (raw.Length > MaxEncodedLength)
        {
            throw TooLong();
        }
        var text = Decode(raw)?.Trim();
        if (text is null || text.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t'))
        {
            throw ProblemException.Unprocessable($"{Header} is not percent-encoded UTF-8 text (or holds control characters).", "malformed_break_glass_reason");
        }
        if (text.Length < MinLength)
        {
            throw Required();
        }
        return text.Length > MaxLength ? throw TooLong() : text;
    }

    /// <summary>Percent-decoding that fails on a broken escape or bytes that are not UTF-8 (<c>Uri.UnescapeDataString</c> leaves those as they are).</summary>
    private static string? Decode(string raw)
    {
        var bytes = new List<byte>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '%')
            {
                if (i + 2 >= raw.Length || !byte.TryParse(raw.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var b))
                {
                    return null;
                }
                bytes.Add(b);
                i += 2;
            }
            else if (c > 0x7F)
            {
                return null;
            }
            else
            {
                bytes.Add((byte)c);
            }
        }
        try
        {
            return StrictUtf8.GetString([.. bytes]);
        }
        catch (System.Text.DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>A break-glass read without a reason (or with one too short to say anything).</summary>
    public static ProblemException Required() =>
        ProblemException.Unprocessable(
            $"A break-glass read needs the reason for the emergency in {Header} ({MinLength} to {MaxLength} characters, UTF-8 percent-encoded).",
            "break_glass_reason_required");

    private static ProblemException TooLong() =>
        ProblemException.Unprocessable($"{Header} is limited to {MaxLength} characters.", "break_glass_reason_too_long");
}
