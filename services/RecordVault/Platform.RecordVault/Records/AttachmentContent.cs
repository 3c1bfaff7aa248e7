using Platform.RecordVault.Core;
using Platform.ServiceDefaults;

namespace Platform.RecordVault.Records;

/// <summary>
/// The bytes of an attachment against its declared type, on the way in and on the way out. In: the first bytes must
/// carry the type's signature (<see cref="BinaryContentTypes.HasExpectedSignature"/>), so HTML or script labelled
/// <c>image/png</c> is refused, not stored. Out: only images render in the browser; a PDF (which can carry script),
/// DICOM or text is served as a download (<c>Content-Disposition: attachment</c>), and with <c>nosniff</c> on every
/// answer no browser second-guesses the type.
/// </summary>
public static class AttachmentContent
{
    /// <summary>Enough for every signature: DICOM's <c>DICM</c> sits after a 128-byte preamble.</summary>
    private const int SignatureBytes = 132;

    public static async Task<Stream> CheckedAsync(Stream body, BinaryContentType type, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var head = new byte[SignatureBytes];
        var read = await body.ReadAtLeastAsync(head, SignatureBytes, throwOnEndOfStream: false, cancellationToken);
        if (!BinaryContentTypes.HasExpectedSignature(type, head.AsSpan(0, read)))
        {
            throw ProblemException.Unprocessable(
                $"The content does not look like {type.Description} ({type.MediaType}): its first bytes lack that type's signature. Send it with its real content type.",
                "content_type_mismatch");
        }
        return new PrefixedStream(head.AsMemory(0, read), body);
    }

    /// <summary>Whether browsers may show the stored type inline: images only; anything else is downloaded.</summary>
    public static bool RendersInline(string contentType) =>
        contentType is BinaryContentTypes.Png or BinaryContentTypes.Jpeg or "application/fhir+json";

    /// <summary>The Content-Type to serve: text is stored as UTF-8 and says so.</summary>
    public static string ServedType(string contentType) =>
        contentType == BinaryContentTypes.PlainText ? "text/plain; charset=utf-8" : contentType;
}
