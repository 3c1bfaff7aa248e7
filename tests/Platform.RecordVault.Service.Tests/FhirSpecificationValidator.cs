using Firely.Fhir.Validation;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// Firely's validator (Firely.Fhir.Validation.R4) with the FHIR R4 specification's own StructureDefinitions, value
/// sets and code systems (Hl7.Fhir.Specification.Data.R4's specification.zip): the real thing a resource is judged
/// against — cardinality, types, invariants, required bindings — not our own expectations.
/// </summary>
public static class FhirSpecificationValidator
{
    private static readonly Lazy<Validator> Shared = new(() =>
    {
        var source = new CachedResolver(ZipSource.CreateValidationSource());
        return new Validator(source.AsAsync(), new LocalTerminologyService(source.AsAsync()));
    });

    private static readonly FhirJsonDeserializer Parser = new(new DeserializerSettings());

    /// <summary>The errors (and fatal issues) of the JSON as the server sent it, validated against its core profile.</summary>
    public static IReadOnlyList<string> Errors(string json)
    {
        var resource = Parser.DeserializeResource(json);
        var outcome = Shared.Value.Validate(resource);
        return outcome.Issue
            .Where(i => i.Severity is R4.OperationOutcome.IssueSeverity.Error or R4.OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{i.Severity} at {string.Join(",", i.Expression ?? [])}: {i.Details?.Text ?? i.Diagnostics}")
            .ToList();
    }
}
