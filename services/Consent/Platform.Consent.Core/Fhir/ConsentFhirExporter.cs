using Hl7.Fhir.Serialization;
using Platform.Contracts.CodeLists;
using R4 = Hl7.Fhir.Model;

namespace Platform.Consent.Core;

/// <summary>
/// Exports a consent version as an HL7 FHIR R4 Consent resource, for patients and for systems that speak FHIR.
/// The platform's decisions stay authoritative; the export describes the same consent in FHIR terms.
/// </summary>
/// <remarks>
/// Shape (opt-in privacy consent):
/// <list type="bullet">
/// <item>status: active → active; revoked, expired, suspended → inactive ("terminated or replaced"; R4 has no
/// closer codes, and <c>rejected</c> means a party refused it, which none of ours is).</item>
/// <item>scope patient-privacy, category LOINC 59284-0 (Patient Consent), policyRule v3-ActCode OPTIN.</item>
/// <item>patient and actors are referenced by pseudonymous identifier only, never by a resource id or a name.</item>
/// <item>provision: a base rule of type deny (nothing is shared unless permitted), with nested permit provisions,
/// each carrying the grantee as actor (role IRCP), the actions (consentaction <c>access</c>, <c>correct</c>), the
/// purposes and the validity period: one with
/// <c>class</c> = the FHIR resource types of the ordinary categories, and one per sensitive category with its
/// <c>securityLabel</c>. They are separate because FHIR ANDs the criteria inside one provision: a single
/// provision with class Observation and label MH would mean "only mental-health observations".</item>
/// </list>
/// </remarks>
public static class ConsentFhirExporter
{
    /// <summary>Identifier systems for the platform's pseudonymous ids, one per kind of party.</summary>
    public const string PatientPseudonymSystem = "urn:kyc-consent-platform:pseudonym:patient";
    public const string PractitionerPseudonymSystem = "urn:kyc-consent-platform:pseudonym:practitioner";
    public const string OrganizationPseudonymSystem = "urn:kyc-consent-platform:pseudonym:organization";

    public const string ConsentScopeSystem = "http://terminology.hl7.org/CodeSystem/consentscope";
    public const string LoincSystem = "http://loinc.org";
    public const string PatientConsentLoincCode = "59284-0";
    public const string ParticipationTypeSystem = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

    private static readonly FhirJsonSerializer Serializer = new();

    public static R4.Consent ToFhir(PatientConsent consent)
    {
        ArgumentNullException.ThrowIfNull(consent);
        var resource = new R4.Consent
        {
            Id = consent.Id.ToString("D"),
            Meta = new R4.Meta
            {
                VersionId = consent.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                LastUpdated = consent.UpdatedAt,
            },
            Identifier = [new R4.Identifier("urn:ietf:rfc:3986", "urn:uuid:" + consent.Id.ToString("D"))],
            Status = consent.Status == ConsentStatus.Active ? R4.Consent.ConsentState.Active : R4.Consent.ConsentState.Inactive,
            Scope = new R4.CodeableConcept(ConsentScopeSystem, "patient-privacy", "Privacy Consent"),
            Category = [new R4.CodeableConcept(LoincSystem, PatientConsentLoincCode, "Patient Consent")],
            Patient = PseudonymReference("Patient", PatientPseudonymSystem, consent.SubjectPseudonym),
            DateTimeElement = DateTime(consent.UpdatedAt),
            Performer = [PseudonymReference("Patient", PatientPseudonymSystem, consent.SubjectPseudonym)],
            PolicyRule = new R4.CodeableConcept(RecordCategories.ActCodeSystem, "OPTIN", "opt-in"),
            Provision = new R4.Consent.provisionComponent { Type = R4.Consent.ConsentProvisionType.Deny },
        };

        var categories = consent.Categories.Select(code => RecordCategories.TryGet(code, out var c) ? c : null).OfType<RecordCategory>().ToList();
        var ordinary = categories.Where(c => !c.IsSensitive).ToList();
        if (ordinary.Count > 0)
        {
            var permit = Permit(consent);
            permit.Class = ordinary.SelectMany(c => c.FhirCodes.Select(type => new R4.Coding(c.FhirSystem, type))).ToList();
            resource.Provision.Provision.Add(permit);
        }
        foreach (var sensitive in categories.Where(c => c.IsSensitive))
        {
            var permit = Permit(consent);
            // No display: the code system has its own ("mental health information sensitivity"), ours is for pages.
            permit.SecurityLabel = sensitive.FhirCodes.Select(code => new R4.Coding(sensitive.FhirSystem, code)).ToList();
            resource.Provision.Provision.Add(permit);
        }
        return resource;
    }

    /// <summary>The Consent resource as FHIR JSON (Firely serializer).</summary>
    public static string ToJson(PatientConsent consent, bool pretty = false) => Serializer.SerializeToString(ToFhir(consent), pretty);

    private static R4.Consent.provisionComponent Permit(PatientConsent consent) => new()
    {
        Type = R4.Consent.ConsentProvisionType.Permit,
        Period = new R4.Period(
            DateTime(consent.ValidFrom),
            consent.ValidUntil is { } end ? DateTime(end) : null),
        Actor =
        [
            new R4.Consent.provisionActorComponent
            {
                Role = new R4.CodeableConcept(ParticipationTypeSystem, "IRCP", "information recipient"),
                Reference = consent.Grantee.Kind == GranteeKind.Organization
                    ? PseudonymReference("Organization", OrganizationPseudonymSystem, consent.Grantee.Id)
                    : PseudonymReference("Practitioner", PractitionerPseudonymSystem, consent.Grantee.Id),
            },
        ],
        // No display: the code system's own ("Access and Correct") would suggest correct implies access; here it does not.
        Action = consent.Actions.Select(code => new R4.CodeableConcept { Coding = [new R4.Coding(ProvisionActions.System, code)] }).ToList(),
        Purpose = consent.Purposes
            .Select(code => PurposesOfUse.TryGet(code, out var p) ? new R4.Coding(p.FhirSystem, p.Code, p.Display) : null)
            .OfType<R4.Coding>()
            .ToList(),
    };

    // Written as the canonical form writes it (UTC, milliseconds), so the export loses no precision.
    private static R4.FhirDateTime DateTime(DateTimeOffset time) => new(ConsentTimes.ToText(time));

    private static R4.ResourceReference PseudonymReference(string type, string system, string pseudonym) => new()
    {
        Type = type,
        Identifier = new R4.Identifier(system, pseudonym),
    };
}
