namespace Platform.Identity.Kyc;

/// <summary>
/// The non-identifying facts about the checked document that the case keeps in clear for assurance and
/// <c>verified_claims</c>: kind, issuing country, expiry. No number, no name.
/// </summary>
/// <param name="DocumentType">OIDC4IDA document type: <c>passport</c>, <c>idcard</c> or <c>residence_permit</c>.</param>
/// <param name="IssuingCountry">Canonical alpha-3 (or ICAO) code.</param>
public sealed record DocumentSummary(string DocumentType, string IssuingCountry, DateOnly ExpiryDate)
{
    public static DocumentSummary From(MrzDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var type = document.Format == MrzFormat.Td3 ? "passport" : document.DocumentCode == "AR" ? "residence_permit" : "idcard";
        return new DocumentSummary(type, document.IssuingStateCode, document.ExpiryDate);
    }
}
