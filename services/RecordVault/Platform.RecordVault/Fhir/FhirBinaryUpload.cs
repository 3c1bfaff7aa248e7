using Microsoft.AspNetCore.Http;
using Platform.Contracts.CodeLists;
using Platform.RecordVault.Core;
using Platform.RecordVault.Records;
using Platform.ServiceDefaults;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Fhir;

/// <summary>
/// Reads the body of <c>POST /fhir/r4/Binary</c> into an attachment payload, checked exactly like an attachment of the
/// record API (the allowlisted types, their size limits, the first bytes' signature): either the raw bytes with their
/// own <c>Content-Type</c> (FHIR R4 http.html#binary), or a FHIR <c>Binary</c> resource in JSON (<c>contentType</c>,
/// <c>data</c>). The patient is the <c>securityContext</c> (raw: the <c>X-Security-Context</c> header), a patient's own
/// by default; the category is <c>?category=</c>, else a sensitivity label on the resource, else
/// <c>clinical-note</c> — the category of the DocumentReference that will point at it.
/// </summary>
public static class FhirBinaryUpload
{
    public const string SecurityContextHeader = "X-Security-Context";

    /// <summary>The category of an attachment uploaded without one: DocumentReference's, so both reach the same grantees.</summary>
    public const string DefaultCategory = RecordCategories.ClinicalNote;

    private static readonly FhirRecordValidator Validator = new();

    public static async Task<(RecordPayload Payload, string Patient)> ReadAsync(HttpRequest request, RecordCaller caller, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        var category = request.Query["category"].ToString() is { Length: > 0 } asked ? asked : null;
        if (category is not null && !RecordCategories.IsKnown(category))
        {
            throw ProblemException.Unprocessable("'category' is a record category of the consent service's code list (GET /codes).", "unknown_category");
        }
        if (FhirPayload.IsFhirJson(request.ContentType))
        {
            return await ReadResourceAsync(request, caller, category, maxBytes, cancellationToken);
        }
        var contentType = FhirPayload.MediaTypeOf(request.ContentType);
        var type = RequireAllowed(contentType);
        if (request.ContentLength is { } length && (length > maxBytes || !BinaryContentTypes.IsWithinLimit(contentType, length)))
        {
            throw TooLarge(type);
        }
        var patient = PatientOf(request.Headers[SecurityContextHeader].ToString() is { Length: > 0 } header ? header : null, caller);
        var content = await AttachmentContent.CheckedAsync(request.Body, type, cancellationToken);
        return (new RecordPayload(RecordPayload.Binary, type.MediaType, null, category ?? DefaultCategory, content), patient);
    }

    private static async Task<(RecordPayload, string)> ReadResourceAsync(HttpRequest request, RecordCaller caller, string? category, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        // The record validator's parse (syntax, depth, UTF-8, one resourceType, strict Firely, invariants): a body it
        // refuses is a 422 with its code, never an exception out of the deserializer.
        var (parsed, problems) = Validator.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        if (problems.Count > 0)
        {
            throw ProblemException.Unprocessable($"The FHIR resource is not a valid Binary: {problems[0].Message}", problems[0].Code);
        }
        if (parsed is not R4.Binary binary)
        {
            throw ProblemException.Unprocessable($"The FHIR resource is not a valid Binary: the body is a {parsed!.TypeName}, not a Binary", "invalid_resource");
        }
        if (binary.Data is not { Length: > 0 } data || string.IsNullOrEmpty(binary.ContentType))
        {
            throw ProblemException.Unprocessable("A Binary carries its bytes in 'data' (base64) and their 'contentType'.", "invalid_resource");
        }
        var type = RequireAllowed(FhirPayload.MediaTypeOf(binary.ContentType));
        if (data.Length > maxBytes || !BinaryContentTypes.IsWithinLimit(type.MediaType, data.Length))
        {
            throw TooLarge(type);
        }
        var labels = SensitivityLabels.Read(binary);
        if (labels.UnsupportedCodes.Count > 0 || labels.Categories.Count > 1)
        {
            throw ProblemException.Unprocessable("The Binary's sensitivity labels do not name one sensitive category the platform knows.", "unsupported_sensitivity_label");
        }
        if (labels.Categories.Count == 1)
        {
            var labelled = labels.Categories[0].Code;
            if (category is not null && category != labelled)
            {
                // A label narrows who may read; a parameter must never widen it again.
                throw ProblemException.Unprocessable($"The Binary's label makes it a '{labelled}' record; ?category= cannot make it another.", "category_conflict");
            }
            category = labelled;
        }
        var patient = PatientOf(binary.SecurityContext?.Reference, caller);
        var content = await AttachmentContent.CheckedAsync(new MemoryStream(data, writable: false), type, cancellationToken);
        return (new RecordPayload(RecordPayload.Binary, type.MediaType, null, category ?? DefaultCategory, content), patient);
    }

    /// <summary>The patient named as <c>Patient/{id}</c>; a patient's own upload may leave it out.</summary>
    private static string PatientOf(string? reference, RecordCaller caller)
    {
        if (reference is null)
        {
            return caller.IsPatient ? caller.SubjectId
                : throw ProblemException.Unprocessable($"A Binary names its patient: securityContext (or the {SecurityContextHeader} header) 'Patient/{{id}}'.", "patient_reference_required");
        }
        return PatientReference.TryParse(reference, out var patient) && reference.Contains("Patient/", StringComparison.Ordinal) ? patient
            : throw ProblemException.Unprocessable($"A Binary's securityContext (or {SecurityContextHeader}) is 'Patient/{{id}}', the patient's pseudonymous id.", "patient_reference_required");
    }

    private static BinaryContentType RequireAllowed(string contentType) =>
        BinaryContentTypes.TryGet(contentType, out var type) ? type
            : throw new ProblemException(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type.",
                $"A Binary is one of: {string.Join(", ", BinaryContentTypes.All.Select(t => t.MediaType))} (or a FHIR Binary resource in {FhirContent.MediaType} carrying one).",
                "unsupported_content_type");

    private static ProblemException TooLarge(BinaryContentType type) =>
        new(StatusCodes.Status413PayloadTooLarge, "Too large.", $"This {type.Description} is over the attachment limit.", "too_large");
}
