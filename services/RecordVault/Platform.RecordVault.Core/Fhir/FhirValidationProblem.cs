namespace Platform.RecordVault.Core;

/// <summary>One reason a FHIR record was refused.</summary>
/// <param name="Code">One of <see cref="FhirProblemCodes"/>.</param>
/// <param name="Message">Readable detail. May quote values from the submitted resource (e.g. an invalid code), so it
/// belongs in the response to the submitter, not in logs.</param>
/// <param name="Location">Where in the resource (FHIRPath-like, e.g. <c>Observation.status</c>) or the JSON (line and
/// byte position), when known.</param>
/// <param name="FhirIssueCode">The Firely SDK's own issue code (e.g. <c>PVAL105</c>), when the problem came from it.</param>
public sealed record FhirValidationProblem(string Code, string Message, string? Location = null, string? FhirIssueCode = null);
