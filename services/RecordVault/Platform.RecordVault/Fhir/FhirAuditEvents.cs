using Platform.RecordVault.Access;
using Platform.RecordVault.Data;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Fhir;

/// <summary>
/// An access-log entry as a FHIR R4 <c>AuditEvent</c> following the IHE Basic Audit Log Patterns (BALP 1.1) profiles for
/// RESTful access to patient data — <c>PatientRead</c>, <c>PatientCreate</c>, <c>PatientUpdate</c>, <c>PatientDelete</c>
/// (docs/fhir.md maps each element): <c>type</c> rest, <c>subtype</c> the interaction, <c>action</c>, <c>recorded</c>,
/// <c>outcome</c> (0 success; 4 for a refusal, with the consent's reason as <c>outcomeDesc</c>), <c>purposeOfEvent</c>;
/// three agents — the user (the patient or the clinician, requestor), the client (its OAuth client and the network
/// address it called from) and the server (the vault and its FHIR base URL), typed by the direction the data moved as
/// each profile asks; the vault as <c>source</c>; and two entities — the patient (role 1, Patient) and the record
/// version (role 4, Domain Resource). A break-glass access carries the security label BTG and the purpose ETREAT.
/// Nothing of the record's content is in it: ids, the action and the decision only, as in the access log.
/// </summary>
public static class FhirAuditEvents
{
    private const string AuditEventType = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    private const string RestfulInteraction = "http://hl7.org/fhir/restful-interaction";
    private const string ActReason = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
    private const string ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    private const string EntityType = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    private const string ObjectRole = "http://terminology.hl7.org/CodeSystem/object-role";
    private const string ParticipationType = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    private const string SecuritySource = "http://terminology.hl7.org/CodeSystem/security-source-type";
    private const string Dicom = "http://dicom.nema.org/resources/ontology/DCM";
    private const string ProvenanceParticipant = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

    /// <summary>The identifier system of the OAuth client named in the client agent (its <c>client_id</c>).</summary>
    public const string OAuthClientSystem = "urn:platform:oauth-client";

    /// <summary>The identifier system of the platform's services, naming the vault in the server agent.</summary>
    public const string ServiceSystem = "urn:platform:service";

    /// <param name="resourceType">The record's FHIR type, or null for an attachment (then a Binary).</param>
    /// <param name="baseUrl">The FHIR base URL the vault serves: the server agent's network address.</param>
    public static R4.AuditEvent From(AccessLogRow row, string? resourceType, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(row);
        var (action, interaction) = row.Action switch
        {
            "read" => (R4.AuditEvent.AuditEventAction.R, row.Version is null ? "search-type" : "read"),
            "write" => (row.Version == 1 ? R4.AuditEvent.AuditEventAction.C : R4.AuditEvent.AuditEventAction.U, row.Version == 1 ? "create" : "update"),
            "delete" => (R4.AuditEvent.AuditEventAction.D, "delete"),
            _ => (R4.AuditEvent.AuditEventAction.E, "operation"),
        };
        var denied = row.Outcome == "deny";
        var breakGlass = row.Outcome == "break-glass";
        var actorIsPatient = string.Equals(row.Actor, row.Patient, StringComparison.Ordinal);
        var recordType = resourceType ?? "Binary";
        var audit = new R4.AuditEvent
        {
            Id = row.EventId.ToString("D"),
            Meta = new R4.Meta { LastUpdated = DateTimeOffset.FromUnixTimeMilliseconds(row.AtMs) },
            Type = new R4.Coding(AuditEventType, "rest", "RESTful Operation"),
            Subtype = [new R4.Coding(RestfulInteraction, interaction)],
            Action = action,
            Recorded = DateTimeOffset.FromUnixTimeMilliseconds(row.AtMs),
            Outcome = denied ? R4.AuditEvent.AuditEventOutcome.N4 : R4.AuditEvent.AuditEventOutcome.N0,
            OutcomeDesc = denied ? row.Reason : null,
            Source = new R4.AuditEvent.SourceComponent
            {
                Site = "record-vault",
                Observer = new R4.ResourceReference { Display = "Platform record vault" },
                Type = [new R4.Coding(SecuritySource, "4", "Application Server")],
            },
        };
        if (breakGlass)
        {
            audit.Meta.Security.Add(new R4.Coding(ActCode, "BTG", "break the glass"));
        }
        if (row.Purpose is { Length: > 0 } purpose && purpose != "self")
        {
            audit.PurposeOfEvent.Add(new R4.CodeableConcept(ActReason, purpose));
        }
        // BALP types the client and server agents by where the data went (DICOM's source and destination roles): a read
        // sends it to the client, a write to the server; a delete names the client as the application and the server as
        // the custodian. The user agent is the recipient of a read and the author of a write.
        var (clientType, serverType, userType) = action switch
        {
            R4.AuditEvent.AuditEventAction.R => (new R4.Coding(Dicom, "110152", "Destination Role ID"), new R4.Coding(Dicom, "110153", "Source Role ID"),
                new R4.Coding(ParticipationType, "IRCP", "information recipient")),
            R4.AuditEvent.AuditEventAction.D => (new R4.Coding(Dicom, "110150", "Application"), new R4.Coding(ProvenanceParticipant, "custodian", "Custodian"),
                new R4.Coding(ParticipationType, "AUT", "author (originator)")),
            _ => (new R4.Coding(Dicom, "110153", "Source Role ID"), new R4.Coding(Dicom, "110152", "Destination Role ID"),
                new R4.Coding(ParticipationType, "AUT", "author (originator)")),
        };
        audit.Agent.Add(new R4.AuditEvent.AgentComponent
        {
            Type = new R4.CodeableConcept { Coding = [userType] },
            Who = new R4.ResourceReference(actorIsPatient ? $"Patient/{row.Actor}" : $"Practitioner/{row.Actor}"),
            Requestor = true,
        });
        var client = new R4.AuditEvent.AgentComponent
        {
            Type = new R4.CodeableConcept { Coding = [clientType] },
            Who = row.ClientId is { } clientId
                ? new R4.ResourceReference { Identifier = new R4.Identifier(OAuthClientSystem, clientId) }
                : new R4.ResourceReference { Display = "client not recorded" },
            Requestor = false,
        };
        if (row.NetworkAddress is { } address)
        {
            // Entries written before addresses were recorded (and the admin's erasure, which has no request) have none.
            client.Network = new R4.AuditEvent.NetworkComponent { Address = address, Type = R4.AuditEvent.AuditEventAgentNetworkType.N2 };
        }
        audit.Agent.Add(client);
        audit.Agent.Add(new R4.AuditEvent.AgentComponent
        {
            Type = new R4.CodeableConcept { Coding = [serverType] },
            Who = new R4.ResourceReference { Identifier = new R4.Identifier(ServiceSystem, AccessAudit.Source), Display = "Platform record vault" },
            Requestor = false,
            Network = new R4.AuditEvent.NetworkComponent { Address = baseUrl, Type = R4.AuditEvent.AuditEventAgentNetworkType.N5 },
        });
        audit.Entity.Add(new R4.AuditEvent.EntityComponent
        {
            What = new R4.ResourceReference($"Patient/{row.Patient}"),
            Type = new R4.Coding(EntityType, "1", "Person"),
            Role = new R4.Coding(ObjectRole, "1", "Patient"),
        });
        audit.Entity.Add(new R4.AuditEvent.EntityComponent
        {
            What = new R4.ResourceReference(row.Version is { } v ? $"{recordType}/{row.RecordId:D}/_history/{v}" : $"{recordType}/{row.RecordId:D}"),
            Type = new R4.Coding(EntityType, "2", "System Object"),
            Role = new R4.Coding(ObjectRole, "4", "Domain Resource"),
        });
        return audit;
    }
}
