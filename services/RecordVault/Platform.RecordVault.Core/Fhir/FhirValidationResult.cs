using Platform.Contracts.CodeLists;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Core;

/// <summary>
/// What <see cref="FhirRecordValidator"/> found: either a valid resource with the consent category the vault stores it
/// under and asks consent for, or the problems (never both).
/// </summary>
public sealed record FhirValidationResult
{
    private FhirValidationResult(string? resourceType, RecordCategory? category, R4.Resource? resource, IReadOnlyList<FhirValidationProblem> problems)
    {
        ResourceType = resourceType;
        Category = category;
        Resource = resource;
        Problems = problems;
    }

    /// <summary>True when there are no problems; then <see cref="ResourceType"/>, <see cref="Category"/> and
    /// <see cref="Resource"/> are set.</summary>
    public bool IsValid => Problems.Count == 0;

    /// <summary>The resource type (e.g. <c>Observation</c>) when it was recognised, even if the resource is invalid.</summary>
    public string? ResourceType { get; }

    /// <summary>The category: the sensitive one when a sensitivity label says so, else the resource type's own.</summary>
    public RecordCategory? Category { get; }

    /// <summary>The parsed resource (Firely POCO) of a valid record.</summary>
    public R4.Resource? Resource { get; }

    public IReadOnlyList<FhirValidationProblem> Problems { get; }

    internal static FhirValidationResult Valid(string resourceType, RecordCategory category, R4.Resource resource) =>
        new(resourceType, category, resource, []);

    internal static FhirValidationResult Invalid(string? resourceType, IReadOnlyList<FhirValidationProblem> problems) =>
        new(resourceType, null, null, problems);

    internal static FhirValidationResult Invalid(string? resourceType, string code, string message, string? location = null) =>
        Invalid(resourceType, [new FhirValidationProblem(code, message, location)]);
}
