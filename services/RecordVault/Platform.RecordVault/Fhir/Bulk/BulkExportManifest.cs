using System.Text.Json.Serialization;

namespace Platform.RecordVault.Fhir.Bulk;

/// <summary>
/// The complete-status body of FHIR Bulk Data Access 2.0 (<c>application/json</c>): when the export ran
/// (<c>transactionTime</c>, a FHIR instant), the kick-off URL, that the files need the requester's token, and one
/// entry per file with its type, URL and number of resources; errors as OperationOutcome NDJSON files.
/// </summary>
public sealed record BulkExportManifest(
    [property: JsonPropertyName("transactionTime")] string TransactionTime,
    [property: JsonPropertyName("request")] string Request,
    [property: JsonPropertyName("requiresAccessToken")] bool RequiresAccessToken,
    [property: JsonPropertyName("output")] IReadOnlyList<BulkExportFile> Output,
    [property: JsonPropertyName("error")] IReadOnlyList<BulkExportFile> Error);

public sealed record BulkExportFile(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("count")] int Count);
