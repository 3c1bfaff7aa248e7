using Microsoft.AspNetCore.Http;
using Platform.RecordVault.Core;
using Platform.ServiceDefaults;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Records;

/// <summary>
/// Reads a FHIR JSON body for storage: at most 4 MiB, validated, its category taken from the content (resource type
/// or sensitivity label). Shared by the record endpoints and the FHIR REST API, so both refuse the same content.
/// </summary>
public static class FhirPayload
{
    private static readonly FhirRecordValidator Validator = new();

    public static bool IsFhirJson(string? contentType) =>
        MediaTypeOf(contentType) is "application/fhir+json" or "application/json";

    public static string MediaTypeOf(string? contentType) => contentType?.Split(';')[0].Trim().ToLowerInvariant() ?? "";

    /// <summary>The payload to store and the parsed resource (for what the caller needs to check in it).</summary>
    public static async Task<(RecordPayload Payload, R4.Resource Resource)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > BinaryContentTypes.MaxFhirResourceBytes)
        {
            throw new ProblemException(StatusCodes.Status413PayloadTooLarge, "Too large.", "A FHIR resource is at most 4 MiB.", "too_large");
        }
        return FromJson(buffer.ToArray());
    }

    /// <summary>The same checks for a resource the vault's own code stores (the dev host's seeded research participants).</summary>
    public static (RecordPayload Payload, R4.Resource Resource) FromJson(byte[] json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var result = Validator.Validate(json);
        if (!result.IsValid)
        {
            var problem = result.Problems[0];
            throw ProblemException.Unprocessable($"The FHIR resource is not valid: {problem.Message}", problem.Code);
        }
        var payload = new RecordPayload(RecordPayload.Fhir, "application/fhir+json", result.ResourceType, result.Category!.Code,
            new MemoryStream(json, writable: false), result.Resource);
        return (payload, result.Resource!);
    }
}
