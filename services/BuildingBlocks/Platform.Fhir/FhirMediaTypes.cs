using Microsoft.AspNetCore.Http;
using Platform.ServiceDefaults;

namespace Platform.Fhir;

/// <summary>
/// The FHIR wire format the platform's FHIR APIs serve: JSON only (<c>application/fhir+json</c>), negotiated on
/// <c>Accept</c> and <c>_format</c> (FHIR R4 http.html#mime-type); XML and RDF are 406.
/// </summary>
public static class FhirMediaTypes
{
    public const string FhirJson = "application/fhir+json";

    private static readonly string[] JsonFormats = ["json", FhirJson, "application/json"];

    /// <summary>406 unless the client accepts FHIR JSON.</summary>
    public static void RequireAcceptable(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var format = request.Query["_format"].ToString();
        if (format.Length > 0)
        {
            if (!JsonFormats.Contains(format.Split(';')[0].Trim(), StringComparer.OrdinalIgnoreCase))
            {
                throw NotAcceptable();
            }
            return;
        }
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0)
        {
            return;
        }
        var acceptable = accept.Any(a => a.Quality is not 0 && a.MediaType.Value is { } type
            && (type is "*/*" or "application/*" || JsonFormats.Contains(type, StringComparer.OrdinalIgnoreCase)));
        if (!acceptable)
        {
            throw NotAcceptable();
        }
    }

    private static ProblemException NotAcceptable() =>
        new(StatusCodes.Status406NotAcceptable, "Not acceptable.", $"This server answers in {FhirJson} only.", "not_acceptable");
}
