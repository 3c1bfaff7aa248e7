using System.Globalization;
using Hl7.Fhir.Serialization;
using Microsoft.AspNetCore.Http;
using Platform.RecordVault.Data;
using Platform.ServiceDefaults;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Fhir;

/// <summary>
/// The FHIR wire format: JSON only (<c>application/fhir+json</c>), content negotiation on <c>Accept</c> and
/// <c>_format</c>, versions as weak ETags (<c>W/"2"</c>), and stored resources stamped with the server's id and meta.
/// </summary>
public static class FhirContent
{
    public const string MediaType = "application/fhir+json";

    private static readonly FhirJsonSerializer Serializer = new();
    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings());

    /// <summary>406 unless the client accepts FHIR JSON (XML and RDF are not served); shared with the consent service's FHIR API.</summary>
    public static void RequireAcceptable(HttpRequest request) => Platform.Fhir.FhirMediaTypes.RequireAcceptable(request);

    /// <summary>415 unless the body is FHIR JSON.</summary>
    public static void RequireFhirJsonBody(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Records.FhirPayload.IsFhirJson(request.ContentType))
        {
            throw new ProblemException(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type.",
                $"This server reads FHIR as {MediaType} only.", "unsupported_content_type");
        }
    }

    /// <summary>The stored resource as the server serves it: its logical id, version id and last-updated instant are the vault's.</summary>
    public static R4.Resource Stamped(byte[] content, RecordRow record, RecordVersionRow version)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(version);
        Deserializer.TryDeserializeResource(new System.Text.Json.Utf8JsonReader(content), out var resource, out _);
        if (resource is null)
        {
            // Validated when stored and authenticated when decrypted: a resource that does not parse now is a fault.
            throw new InvalidOperationException("A stored FHIR resource did not parse.");
        }
        return Stamp(resource, record, version);
    }

    public static R4.Resource Stamp(R4.Resource resource, RecordRow record, RecordVersionRow version)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(version);
        resource.Id = record.Id.ToString("D");
        resource.Meta ??= new R4.Meta();
        resource.Meta.VersionId = version.Version.ToString(CultureInfo.InvariantCulture);
        resource.Meta.LastUpdated = DateTimeOffset.FromUnixTimeMilliseconds(version.CreatedAtMs);
        return resource;
    }

    public static string ETag(int version) => $"W/\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>The version an <c>If-Match</c> names (<c>W/"3"</c> or <c>"3"</c>), null when absent; 400 when it is not one.</summary>
    public static int? ExpectedVersion(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0)
        {
            return null;
        }
        var tag = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        if (tag.Length >= 3 && tag[0] == '"' && tag[^1] == '"'
            && int.TryParse(tag.AsSpan(1, tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0)
        {
            return version;
        }
        throw ProblemException.BadRequest("If-Match must name one version as an ETag, e.g. W/\"2\".", "malformed_if_match");
    }

    /// <summary>A resource answer with the headers a FHIR client reads: ETag, Last-Modified, no caching of health data.</summary>
    public static IResult Resource(HttpContext http, R4.Resource resource, int status = StatusCodes.Status200OK, string? location = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(resource);
        var headers = http.Response.Headers;
        if (resource.Meta?.VersionId is { } versionId && resource.Meta.LastUpdated is { } lastUpdated)
        {
            headers.ETag = $"W/\"{versionId}\"";
            headers.LastModified = lastUpdated.ToUniversalTime().ToString("R", CultureInfo.InvariantCulture);
        }
        if (location is not null)
        {
            headers.Location = location;
        }
        return Json(http, resource, status);
    }

    public static IResult Json(HttpContext http, R4.Resource resource, int status = StatusCodes.Status200OK)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.CacheControl = "no-store";
        return Results.Text(Serialize(resource), MediaType, System.Text.Encoding.UTF8, status);
    }

    /// <summary>The resource as FHIR JSON, as every answer of the API writes it (the portal's export too).</summary>
    public static string Serialize(R4.Resource resource) => Serializer.SerializeToString(resource);

    /// <summary>Parses a stored resource without stamping it (the portal renders what was stored).</summary>
    public static R4.Resource? Parse(byte[] content)
    {
        Deserializer.TryDeserializeResource(new System.Text.Json.Utf8JsonReader(content), out var resource, out _);
        return resource;
    }

    /// <summary>The absolute base of the FHIR API as the client reached it (fullUrl, links, Location).</summary>
    public static string BaseUrl(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{request.Scheme}://{request.Host}{request.PathBase}{FhirEndpoints.BasePath}";
    }
}
