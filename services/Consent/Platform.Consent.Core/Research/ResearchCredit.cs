using System.Text.Json;

namespace Platform.Consent.Core;

/// <summary>
/// One participant's compensation for one research export (an accounting record, not a payment): the study's terms
/// when the export released them. Per participant, a patient is credited once per study, at the first export that
/// includes them; per export, once in every export that includes them.
/// </summary>
/// <param name="ExportId">The export that released the participant.</param>
/// <param name="StudyId">The study exported.</param>
/// <param name="ConsentId">The participant's opt-in.</param>
/// <param name="AmountMinor">The study's amount, in the currency's minor units.</param>
/// <param name="Currency">ISO 4217 code.</param>
/// <param name="Basis">Per participant or per export.</param>
public sealed record ResearchCredit(Guid ExportId, Guid StudyId, Guid ConsentId, long AmountMinor, string Currency, CompensationBasis Basis)
{
    public const string Format = "platform.research-credit.v1";

    /// <summary>
    /// What the credit is unique for, with its opt-in: the export (per export) or the study (per participant). A
    /// redelivered export therefore never credits twice.
    /// </summary>
    public Guid Occasion => OccasionOf(Basis, ExportId, StudyId);

    public static Guid OccasionOf(CompensationBasis basis, Guid exportId, Guid studyId) =>
        basis == CompensationBasis.PerExport ? exportId : studyId;

    /// <summary>
    /// The UTF-8 bytes the ledger's <c>creditHash</c> commits to (salted): compact JSON in this fixed order,
    /// <c>{"format":"platform.research-credit.v1","exportId":"…","studyId":"…","consentId":"…","amountMinor":n,
    /// "currency":"EUR","basis":"per-export|per-participant"}</c>, ids lowercase and hyphenated. Every value is a Guid, a
    /// number or a closed-list code, so nothing needs escaping.
    /// </summary>
    public byte[] CanonicalForm()
    {
        using var buffer = new MemoryStream(256);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteString("exportId", ExportId.ToString("D"));
            json.WriteString("studyId", StudyId.ToString("D"));
            json.WriteString("consentId", ConsentId.ToString("D"));
            json.WriteNumber("amountMinor", AmountMinor);
            json.WriteString("currency", Currency);
            json.WriteString("basis", CompensationBasisCodes.ToCode(Basis));
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
