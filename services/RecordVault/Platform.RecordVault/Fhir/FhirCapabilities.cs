using System.Reflection;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Fhir;

/// <summary>
/// The CapabilityStatement at <c>[base]/metadata</c>: exactly what <see cref="FhirEndpoints"/> does — JSON only,
/// the served types with read, vread, update (versioned, no create-on-update), instance history, create and type
/// search with the parameters <see cref="FhirSearchQuery"/> takes — and SMART-on-FHIR security with the OAuth
/// endpoints of <see cref="SmartConfiguration"/>.
/// </summary>
public static class FhirCapabilities
{
    private const string OAuthUrisExtension = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

    private static readonly (string Name, R4.SearchParamType Type, string Documentation)[] SearchParameters =
    [
        ("patient", R4.SearchParamType.Reference, "The patient whose compartment is searched (Patient/{id}); a patient's own search may leave it out."),
        ("_id", R4.SearchParamType.Token, "Logical ids, comma-separated."),
        ("_lastUpdated", R4.SearchParamType.Date, "meta.lastUpdated, with the prefixes eq, ne, gt, lt, ge, le, sa, eb; repeatable (all must hold)."),
    ];

    public static R4.CapabilityStatement Statement(string baseUrl, SmartConfiguration smart)
    {
        ArgumentNullException.ThrowIfNull(smart);
        var version = typeof(FhirCapabilities).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var security = new R4.CapabilityStatement.SecurityComponent
        {
            Cors = false,
            Service = [new R4.CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR")],
            Description = "OAuth 2.0 bearer tokens from the identity service with the 'records' scope; patients reach their own records, "
                + "clinicians what a consent in force permits (see .well-known/smart-configuration).",
        };
        if (smart.AuthorizationEndpoint is not null && smart.TokenEndpoint is not null)
        {
            var uris = new R4.Extension { Url = OAuthUrisExtension };
            uris.Extension.Add(new R4.Extension("authorize", new R4.FhirUri(smart.AuthorizationEndpoint)));
            uris.Extension.Add(new R4.Extension("token", new R4.FhirUri(smart.TokenEndpoint)));
            if (smart.RevocationEndpoint is not null)
            {
                uris.Extension.Add(new R4.Extension("revoke", new R4.FhirUri(smart.RevocationEndpoint)));
            }
            security.Extension.Add(uris);
        }
        return new R4.CapabilityStatement
        {
            Status = R4.PublicationStatus.Active,
            Date = "2026-12-03",
            Kind = R4.CapabilityStatementKind.Instance,
            Software = new R4.CapabilityStatement.SoftwareComponent { Name = "Platform record vault", Version = version },
            Implementation = new R4.CapabilityStatement.ImplementationComponent
            {
                Description = "Encrypted medical records under patient consent",
                Url = baseUrl,
            },
            FhirVersion = R4.FHIRVersion.N4_0_1,
            Format = ["json"],
            Rest =
            [
                new R4.CapabilityStatement.RestComponent
                {
                    Mode = R4.CapabilityStatement.RestfulCapabilityMode.Server,
                    Security = security,
                    Resource = [.. FhirResourceTypes.All.Select(Resource), Binary(), AuditEvent(), PatientEverything()],
                    // Patient/{id}/$export, the patient's own records (docs/fhir.md, "Bulk export").
                    Operation = [new R4.CapabilityStatement.OperationComponent { Name = "export", Definition = Bulk.BulkExportEndpoints.PatientExportDefinition }],
                },
            ],
        };
    }

    private static R4.CapabilityStatement.ResourceComponent Resource(string type) => new()
    {
        Type = type,
        Interaction =
        [
            Interaction(R4.CapabilityStatement.TypeRestfulInteraction.Read),
            Interaction(R4.CapabilityStatement.TypeRestfulInteraction.Vread),
            Interaction(R4.CapabilityStatement.TypeRestfulInteraction.Update),
            Interaction(R4.CapabilityStatement.TypeRestfulInteraction.HistoryInstance),
            Interaction(R4.CapabilityStatement.TypeRestfulInteraction.Create),
            Interaction(R4.CapabilityStatement.TypeRestfulInteraction.SearchType),
        ],
        Versioning = R4.CapabilityStatement.ResourceVersionPolicy.VersionedUpdate,
        ReadHistory = true,
        UpdateCreate = false,
        ConditionalCreate = false,
        ConditionalRead = R4.CapabilityStatement.ConditionalReadStatus.NotSupported,
        ConditionalUpdate = false,
        ConditionalDelete = R4.CapabilityStatement.ConditionalDeleteStatus.NotSupported,
        SearchParam = SearchParameters.Select(p => new R4.CapabilityStatement.SearchParamComponent
        {
            Name = p.Name,
            Type = p.Type,
            Documentation = p.Documentation,
        }).Concat(FhirContentSearch.For(type).Select(p => new R4.CapabilityStatement.SearchParamComponent
        {
            Name = p.Name,
            Definition = p.Url,
            Type = p.Type,
            Documentation = p.Type == R4.SearchParamType.Token
                ? "Token (code, system|code, |code, system|; comma for any of several), matched by keyed hashes stored when the version was written; no modifiers."
                : "The resource's clinical date, with the prefixes eq, ne, gt, lt, ge, le, sa, eb; repeatable (all must hold).",
        })).ToList(),
    };

    /// <summary>Attachments: read and vread (raw bytes or a Binary resource), create; no search (Binary has no patient link to search by).</summary>
    private static R4.CapabilityStatement.ResourceComponent Binary() => new()
    {
        Type = FhirBinaryEndpoints.Type,
        Documentation = "The vault's attachments (PDF, PNG, JPEG, DICOM, UTF-8 text): read returns the bytes with their content type, or a Binary resource "
            + "for Accept application/fhir+json; create takes either, with the patient as securityContext (X-Security-Context) and ?category= "
            + "(default clinical-note). DocumentReference.content.attachment.url 'Binary/{id}' points at them.",
        Interaction =
        [
            Interaction(R4.CapabilityStatement.TypeRestfulInteraction.Read),
            Interaction(R4.CapabilityStatement.TypeRestfulInteraction.Vread),
            Interaction(R4.CapabilityStatement.TypeRestfulInteraction.Create),
        ],
        Versioning = R4.CapabilityStatement.ResourceVersionPolicy.Versioned,
        ReadHistory = true,
        UpdateCreate = false,
        ConditionalCreate = false,
        ConditionalRead = R4.CapabilityStatement.ConditionalReadStatus.NotSupported,
        ConditionalUpdate = false,
        ConditionalDelete = R4.CapabilityStatement.ConditionalDeleteStatus.NotSupported,
    };

    /// <summary>The access log, read-only: read and search (patient, date, _count).</summary>
    private static R4.CapabilityStatement.ResourceComponent AuditEvent() => new()
    {
        Type = "AuditEvent",
        Documentation = "The vault's access log as AuditEvents (IHE BALP RESTful patterns): a patient's own log, a clinician's own accesses.",
        Interaction =
        [
            Interaction(R4.CapabilityStatement.TypeRestfulInteraction.Read),
            Interaction(R4.CapabilityStatement.TypeRestfulInteraction.SearchType),
        ],
        Versioning = R4.CapabilityStatement.ResourceVersionPolicy.NoVersion,
        SearchParam =
        [
            new R4.CapabilityStatement.SearchParamComponent { Name = "patient", Type = R4.SearchParamType.Reference, Definition = "http://hl7.org/fhir/SearchParameter/AuditEvent-patient" },
            new R4.CapabilityStatement.SearchParamComponent { Name = "date", Type = R4.SearchParamType.Date, Definition = "http://hl7.org/fhir/SearchParameter/AuditEvent-date" },
        ],
    };

    /// <summary>
    /// Patient resources are not served (no interactions), but <c>Patient/{id}/$everything</c> is: the operation sits on
    /// the Patient type, with the specification's own definition.
    /// </summary>
    private static R4.CapabilityStatement.ResourceComponent PatientEverything() => new()
    {
        Type = "Patient",
        Documentation = "Patient resources are not served; only $everything on a patient's id (their pseudonymous id): the resources of the "
            + "served types the caller may read, with _since, _count and paging links.",
        Operation =
        [
            new R4.CapabilityStatement.OperationComponent
            {
                Name = "everything",
                Definition = "http://hl7.org/fhir/OperationDefinition/Patient-everything",
            },
        ],
    };

    private static R4.CapabilityStatement.ResourceInteractionComponent Interaction(R4.CapabilityStatement.TypeRestfulInteraction code) => new() { Code = code };
}
