namespace Platform.RecordVault.Core;

/// <summary>Stable codes of <see cref="FhirValidationProblem"/>; clients may branch on them, so never rename one.</summary>
public static class FhirProblemCodes
{
    /// <summary>Not JSON, or not a single JSON object (HTTP 400).</summary>
    public const string MalformedJson = "malformed_json";

    /// <summary><c>resourceType</c> missing, not a string, or not a concrete FHIR R4 resource type (exact case) (422).</summary>
    public const string UnknownResourceType = "unknown_resource_type";

    /// <summary>The resource breaks FHIR R4: unknown or duplicate elements, wrong types, missing required elements,
    /// codes outside required bindings, malformed narrative (422).</summary>
    public const string InvalidResource = "invalid_resource";

    /// <summary>A valid resource whose type is not in the record-category code list (e.g. Patient, Bundle) (422).</summary>
    public const string UnsupportedCategory = "unsupported_category";

    /// <summary>The resource carries sensitivity labels of more than one sensitive category (e.g. MH and ETH): a
    /// record has exactly one category, and choosing one would release it under the other's consent (422).</summary>
    public const string ConflictingSensitivityLabels = "conflicting_sensitivity_labels";

    /// <summary>The resource carries an HL7 ActCode security label the vault does not map to a sensitive category
    /// (e.g. SDV, TBOO, an obligation code): storing it as an ordinary record would drop the label (422).</summary>
    public const string UnsupportedSensitivityLabel = "unsupported_sensitivity_label";
}
