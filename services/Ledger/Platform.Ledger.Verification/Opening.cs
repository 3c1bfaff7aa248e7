using System.Text.Json.Serialization;

namespace Platform.Ledger.Verification;

/// <summary>
/// What the publishing service hands the patient with a receipt of a v2 (blinded) event: the event's secret and
/// the values it blinds. <see cref="CanonicalForm"/> for consent events; <see cref="Actor"/> and
/// <see cref="RecordHash"/> for access events. Format in docs/ledger-receipts.md ("Openings").
/// </summary>
public sealed record Opening(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("salt")] string Salt,
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("canonicalForm")] string? CanonicalForm = null,
    [property: JsonPropertyName("actor")] string? Actor = null,
    [property: JsonPropertyName("recordHash")] string? RecordHash = null)
{
    public const string CurrentFormat = "platform.ledger-opening.v1";
}
