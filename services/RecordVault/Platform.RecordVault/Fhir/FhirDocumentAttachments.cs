using Microsoft.EntityFrameworkCore;
using Platform.RecordVault.Data;
using Platform.RecordVault.Records;
using Platform.ServiceDefaults;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Fhir;

/// <summary>
/// DocumentReferences that point at the vault's attachments: <c>content.attachment.url</c> = <c>Binary/{id}</c> (or the
/// same as an absolute URL under this server's base). A client uploads the bytes first (<c>POST Binary</c>, or an
/// attachment through the record API), then creates the DocumentReference naming it; the vault checks that every such
/// Binary is a live attachment of the same patient, so a document never points at another patient's file or at
/// nothing. URLs elsewhere are kept as sent. The bulk export turns the relative form into an absolute URL, as the
/// Bulk Data specification asks of an Attachment.url in an export.
/// </summary>
public static class FhirDocumentAttachments
{
    private const string Prefix = "Binary/";

    /// <summary>422 <c>unknown_binary</c> unless every vault Binary the DocumentReference names is a live attachment of <paramref name="patient"/>.</summary>
    public static async Task RequireOwnAttachmentsAsync(RecordVaultDbContext db, R4.Resource resource, string patient, string baseUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (resource is not R4.DocumentReference document)
        {
            return;
        }
        var named = new List<Guid>();
        foreach (var url in document.Content.Select(c => c.Attachment?.Url).OfType<string>())
        {
            if (IsVaultBinary(url, baseUrl, out var id))
            {
                named.Add(id ?? throw Unknown());
            }
        }
        if (named.Count == 0)
        {
            return;
        }
        var found = await db.Records.AsNoTracking()
            .CountAsync(r => named.Contains(r.Id) && r.Patient == patient && r.Kind == RecordPayload.Binary && r.ErasedAtMs == null, cancellationToken);
        if (found != named.Distinct().Count())
        {
            throw Unknown();
        }
    }

    /// <summary>The resource with its relative <c>Binary/{id}</c> attachment URLs made absolute under <paramref name="baseUrl"/>.</summary>
    public static R4.Resource WithAbsoluteUrls(R4.Resource resource, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (resource is R4.DocumentReference document)
        {
            foreach (var attachment in document.Content.Select(c => c.Attachment).OfType<R4.Attachment>())
            {
                if (attachment.Url is { } url && url.StartsWith(Prefix, StringComparison.Ordinal))
                {
                    attachment.Url = $"{baseUrl}/{url}";
                }
            }
        }
        return resource;
    }

    /// <summary>Whether the URL names a Binary of this server; <paramref name="id"/> is null when it does but the id is no UUID.</summary>
    private static bool IsVaultBinary(string url, string baseUrl, out Guid? id)
    {
        id = null;
        string rest;
        if (url.StartsWith(Prefix, StringComparison.Ordinal))
        {
            rest = url[Prefix.Length..];
        }
        else if (url.StartsWith($"{baseUrl}/{Prefix}", StringComparison.OrdinalIgnoreCase))
        {
            rest = url[(baseUrl.Length + 1 + Prefix.Length)..];
        }
        else
        {
            return false;
        }
        var end = rest.IndexOf("/_history/", StringComparison.Ordinal);
        if (Guid.TryParse(end >= 0 ? rest[..end] : rest, out var parsed))
        {
            id = parsed;
        }
        return true;
    }

    private static ProblemException Unknown() => ProblemException.Unprocessable(
        "A DocumentReference's attachment url 'Binary/{id}' names an attachment of the same patient in this vault (upload it first: POST Binary).",
        "unknown_binary");
}
