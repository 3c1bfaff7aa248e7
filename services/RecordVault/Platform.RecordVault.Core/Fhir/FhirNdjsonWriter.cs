using System.Text;
using Hl7.Fhir.Serialization;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Core;

/// <summary>
/// Writes FHIR resources as NDJSON (<c>application/fhir+ndjson</c>, FHIR Bulk Data): one resource per line, in the
/// compact JSON form (which has no raw line breaks: the serializer escapes them inside strings), each line ended by
/// <c>\n</c>, UTF-8 without a byte-order mark. It counts what it wrote, for the manifest's <c>count</c>. Used by the
/// patient's bulk export and meant for the research export (issue #22): the caller owns the stream, so the lines can
/// go straight into an encrypting stream and the plaintext need never exist anywhere else.
/// </summary>
public sealed class FhirNdjsonWriter(Stream destination)
{
    public const string MediaType = "application/fhir+ndjson";

    private static readonly FhirJsonSerializer Serializer = new();
    private static readonly byte[] NewLine = [(byte)'\n'];

    public int Count { get; private set; }

    public async Task WriteAsync(R4.Resource resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var line = Encoding.UTF8.GetBytes(Serializer.SerializeToString(resource, pretty: false));
        await destination.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        await destination.WriteAsync(NewLine, cancellationToken).ConfigureAwait(false);
        Count++;
    }
}
