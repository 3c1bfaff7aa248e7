namespace Platform.Contracts.CodeLists;

/// <summary>
/// One entry of the record-category code list: what a patient grants access to.
/// </summary>
/// <param name="Code">The platform's stable code, used in the API, the consent hash and decisions.</param>
/// <param name="Display">A readable name for pages.</param>
/// <param name="IsSensitive">
/// Sensitive categories are never implied by any other category: a record carrying such a label is only
/// released under an explicit grant of that very category.
/// </param>
/// <param name="FhirSystem">The code system used when a consent is exported as a FHIR Consent.</param>
/// <param name="FhirCodes">
/// The codes in <paramref name="FhirSystem"/>: FHIR resource types for the ordinary categories (exported as
/// <c>provision.class</c>), one HL7 v3 sensitivity code for the sensitive ones (exported as
/// <c>provision.securityLabel</c>).
/// </param>
public sealed record RecordCategory(string Code, string Display, bool IsSensitive, string FhirSystem, IReadOnlyList<string> FhirCodes);
