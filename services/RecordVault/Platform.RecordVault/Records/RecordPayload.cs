namespace Platform.RecordVault.Records;

/// <summary>What is being stored: a validated FHIR resource or a binary attachment, its category, and its bytes.</summary>
/// <param name="Resource">The parsed FHIR resource (FHIR payloads), whose FHIR search keys are stored beside the record.</param>
public sealed record RecordPayload(string Kind, string ContentType, string? ResourceType, string Category, Stream Content, Hl7.Fhir.Model.Resource? Resource = null)
{
    public const string Fhir = "fhir";
    public const string Binary = "binary";
}
