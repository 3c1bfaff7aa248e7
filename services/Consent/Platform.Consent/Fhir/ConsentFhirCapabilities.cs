using System.Reflection;
using R4 = Hl7.Fhir.Model;

namespace Platform.Consent.Fhir;

/// <summary>
/// The consent service's CapabilityStatement: exactly what <see cref="ConsentFhirEndpoints"/> does — JSON only, one
/// resource type (Consent) with read and type search over <c>patient</c> and <c>status</c>, no writes (consents are
/// granted, narrowed and revoked through the platform's consent API, where each change is a signed event).
/// </summary>
public static class ConsentFhirCapabilities
{
    public static R4.CapabilityStatement Statement(string baseUrl)
    {
        var version = typeof(ConsentFhirCapabilities).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        return new R4.CapabilityStatement
        {
            Status = R4.PublicationStatus.Active,
            Date = "2026-12-03",
            Kind = R4.CapabilityStatementKind.Instance,
            Software = new R4.CapabilityStatement.SoftwareComponent { Name = "Platform consent service", Version = version },
            Implementation = new R4.CapabilityStatement.ImplementationComponent
            {
                Description = "Patient consents to share medical records, as FHIR R4 Consent (read-only)",
                Url = baseUrl,
            },
            FhirVersion = R4.FHIRVersion.N4_0_1,
            Format = ["json"],
            Rest =
            [
                new R4.CapabilityStatement.RestComponent
                {
                    Mode = R4.CapabilityStatement.RestfulCapabilityMode.Server,
                    Security = new R4.CapabilityStatement.SecurityComponent
                    {
                        Cors = false,
                        Service = [new R4.CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "OAuth")],
                        Description = "OAuth 2.0 bearer tokens from the identity service with the 'consent.manage' scope: patients read their own "
                            + "consents, clinicians (second factor) the consents that name them.",
                    },
                    Resource =
                    [
                        new R4.CapabilityStatement.ResourceComponent
                        {
                            Type = "Consent",
                            Interaction =
                            [
                                new R4.CapabilityStatement.ResourceInteractionComponent { Code = R4.CapabilityStatement.TypeRestfulInteraction.Read },
                                new R4.CapabilityStatement.ResourceInteractionComponent { Code = R4.CapabilityStatement.TypeRestfulInteraction.SearchType },
                            ],
                            Versioning = R4.CapabilityStatement.ResourceVersionPolicy.Versioned,
                            ReadHistory = false,
                            UpdateCreate = false,
                            ConditionalCreate = false,
                            ConditionalRead = R4.CapabilityStatement.ConditionalReadStatus.NotSupported,
                            ConditionalUpdate = false,
                            ConditionalDelete = R4.CapabilityStatement.ConditionalDeleteStatus.NotSupported,
                            SearchParam =
                            [
                                new R4.CapabilityStatement.SearchParamComponent
                                {
                                    Name = "patient", Type = R4.SearchParamType.Reference,
                                    Documentation = "The patient the consent is about: Patient/{pseudonym} or the bare pseudonym.",
                                },
                                new R4.CapabilityStatement.SearchParamComponent
                                {
                                    Name = "status", Type = R4.SearchParamType.Token,
                                    Documentation = "active (in force) or inactive (revoked, expired or suspended); comma-separated.",
                                },
                            ],
                        },
                    ],
                },
            ],
        };
    }
}
