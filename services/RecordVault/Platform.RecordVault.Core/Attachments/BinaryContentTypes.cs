using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Net.Http.Headers;

namespace Platform.RecordVault.Core;

/// <summary>
/// The closed allowlist of attachment content types and their size limits. Anything else is refused (415), so the
/// vault never stores, and never serves back, active content such as HTML, SVG or scripts under a clinical label.
/// </summary>
/// <remarks>
/// Limits are the defaults; the service may lower them through configuration. DICOM is <c>application/dicom</c>
/// (RFC 3240, Part 10 files); <c>image/dicom</c> is not a registered type and is refused rather than aliased.
/// Parameters are dropped, except that <c>text/plain</c> must be UTF-8 (or its subset US-ASCII) when a charset is given,
/// since it is stored and served as UTF-8.
/// </remarks>
public static class BinaryContentTypes
{
    public const string Pdf = "application/pdf";
    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Dicom = "application/dicom";
    public const string PlainText = "text/plain";

    private const long MiB = 1024 * 1024;

    /// <summary>Largest PDF: scanned letters and reports.</summary>
    public const long MaxPdfBytes = 50 * MiB;

    /// <summary>Largest PNG or JPEG: photographs and screenshots, not imaging series.</summary>
    public const long MaxImageBytes = 25 * MiB;

    /// <summary>Largest DICOM Part 10 file: one multi-frame CT/MR object.</summary>
    public const long MaxDicomBytes = 512 * MiB;

    /// <summary>Largest plain-text attachment.</summary>
    public const long MaxPlainTextBytes = 5 * MiB;

    /// <summary>Largest FHIR resource (JSON) accepted as a record; attachments belong in the binary path.</summary>
    public const long MaxFhirResourceBytes = 4 * MiB;

    /// <summary>The largest limit of any type: a request body bigger than this can be refused before reading it.</summary>
    public const long MaxAttachmentBytes = MaxDicomBytes;

    public static IReadOnlyList<BinaryContentType> All { get; } =
    [
        new(Pdf, MaxPdfBytes, "PDF document"),
        new(Png, MaxImageBytes, "PNG image"),
        new(Jpeg, MaxImageBytes, "JPEG image"),
        new(Dicom, MaxDicomBytes, "DICOM Part 10 file"),
        new(PlainText, MaxPlainTextBytes, "UTF-8 plain text"),
    ];

    private static readonly FrozenDictionary<string, BinaryContentType> ByMediaType =
        All.ToFrozenDictionary(t => t.MediaType, StringComparer.Ordinal);

    /// <summary>
    /// Parses a Content-Type header value and finds it in the allowlist (type/subtype compared case-insensitively, as
    /// RFC 9110 says); false for anything malformed or not listed.
    /// </summary>
    public static bool TryGet(string? contentType, [NotNullWhen(true)] out BinaryContentType? type)
    {
        type = null;
        if (string.IsNullOrWhiteSpace(contentType) || !MediaTypeHeaderValue.TryParse(contentType, out var parsed)
            || parsed.MediaType is null
            || !ByMediaType.TryGetValue(parsed.MediaType.ToLowerInvariant(), out var found))
        {
            return false;
        }
        if (found.MediaType == PlainText && parsed.CharSet is { } charset
            && !charset.Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase)
            && !charset.Trim('"').Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        type = found;
        return true;
    }

    public static bool IsAllowed(string? contentType) => TryGet(contentType, out _);

    /// <summary>True when <paramref name="length"/> is within the limit of an allowed <paramref name="contentType"/>.</summary>
    public static bool IsWithinLimit(string? contentType, long length) =>
        TryGet(contentType, out var type) && length >= 0 && length <= type.MaxBytes;

    /// <summary>
    /// Whether the first bytes of an attachment look like its declared type (magic numbers), so a mislabelled file is
    /// refused: <c>%PDF-</c>, the PNG signature, JPEG SOI <c>FF D8 FF</c>, DICOM <c>DICM</c> after the 128-byte preamble,
    /// and for text no NUL byte. Pass at least the first 132 bytes (or the whole file when shorter).
    /// </summary>
    public static bool HasExpectedSignature(BinaryContentType type, ReadOnlySpan<byte> head)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.MediaType switch
        {
            Pdf => head.StartsWith("%PDF-"u8),
            Png => head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
            Jpeg => head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]),
            Dicom => head.Length >= 132 && head.Slice(128, 4).SequenceEqual("DICM"u8),
            PlainText => !head.Contains((byte)0),
            _ => false,
        };
    }
}
