namespace Platform.RecordVault.Records;

/// <summary>What is being stored: a validated FHIR resource or a binary attachment, its category, and its bytes.</summary>
public sealed record RecordPayload(string Kind, string ContentType, string? ResourceType, string Category, Stream Content)
{
    public const string Fhir = "fhir";
    public const string Binary = "binary";
}
