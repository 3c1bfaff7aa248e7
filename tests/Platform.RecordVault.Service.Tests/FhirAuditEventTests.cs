// Firely's models mark most elements nullable; a test that dereferences a missing one fails, which is the point.
#nullable disable warnings
using System.Net;
using Hl7.Fhir.Rest;
using Platform.Identity.Accounts;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// The access log as AuditEvent resources (BALP-shaped) through Firely's FhirClient: the patient's own log with every
/// access (their write, a clinician's refusal, a break-glass read marked BTG with ETREAT), <c>date</c> and
/// <c>_count</c> with paging, read by id; a clinician's own trail only; another patient and another clinician never.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class FhirAuditEventTests(VaultPlatform platform)
{
    [Fact]
    public async Task A_patient_reads_their_log_as_audit_events_and_a_clinician_only_their_own_accesses()
    {
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (clinician, clinicianToken) = await platform.UserAsync(PlatformRoles.Clinician);
        var (_, otherClinicianToken) = await platform.UserAsync(PlatformRoles.Clinician);
        var (_, otherToken) = await platform.UserAsync(PlatformRoles.Patient);
        var mine = FhirApi.Client(platform, patientToken);
        var observation = (await mine.CreateAsync(FhirApi.Observation(patient.Id, "audited")))!;

        // A refused read (no consent), then a break-glass read.
        var refused = await Assert.ThrowsAsync<FhirOperationException>(() => FhirApi.Client(platform, clinicianToken).ReadAsync<R4.Observation>($"Observation/{observation.Id}"));
        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
        var emergency = FhirApi.Client(platform, clinicianToken, new Dictionary<string, string> { ["X-Purpose-Of-Use"] = "ETREAT", ["X-Break-Glass"] = "true", ["X-Break-Glass-Reason"] = "Unconscious in the emergency department" });
        Assert.Equal(observation.Id, (await emergency.ReadAsync<R4.Observation>($"Observation/{observation.Id}"))!.Id);

        // The patient's log: three events, newest first, each a valid AuditEvent.
        var (status, _, raw) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/AuditEvent?patient=Patient/{patient.Id}", patientToken);
        Assert.Equal(HttpStatusCode.OK, status);
        var log = FhirApi.Valid<R4.Bundle>(await raw.Content.ReadAsStringAsync());
        Assert.Equal(3, log.Total);
        var events = log.Entry.Select(e => (R4.AuditEvent)e.Resource).ToList();
        Assert.All(events, e => Assert.Equal("rest", e.Type.Code));
        Assert.All(events, e => Assert.Contains(e.Entity, x => x.What.Reference == $"Patient/{patient.Id}" && x.Role.Code == "1"));
        Assert.All(events, e => Assert.Contains(e.Entity, x => x.What.Reference.StartsWith($"Observation/{observation.Id}", StringComparison.Ordinal)));
        var created = Assert.Single(events, e => e.Action == R4.AuditEvent.AuditEventAction.C);
        Assert.Equal($"Patient/{patient.Id}", User(created).Who.Reference);
        Assert.Equal(R4.AuditEvent.AuditEventOutcome.N0, created.Outcome);
        var denied = Assert.Single(events, e => e.Outcome == R4.AuditEvent.AuditEventOutcome.N4);
        Assert.Equal((R4.AuditEvent.AuditEventAction.R, $"Practitioner/{clinician.Id}"), (denied.Action, User(denied).Who.Reference));
        Assert.False(string.IsNullOrEmpty(denied.OutcomeDesc));
        var glass = Assert.Single(events, e => e.Meta.Security.Any(s => s.Code == "BTG"));
        Assert.Equal(R4.AuditEvent.AuditEventOutcome.N0, glass.Outcome);
        Assert.Equal("ETREAT", glass.PurposeOfEvent.Single().Coding.Single().Code);
        Assert.True(events.Select(e => e.Recorded).SequenceEqual(events.Select(e => e.Recorded).OrderByDescending(r => r)));

        // BALP's agents (PatientCreate, PatientRead): the user, the client with the address it called from (the
        // tests call over loopback) and its OAuth client, and the server with its FHIR base; typed by where the data went.
        var fhirBase = new Uri(platform.Vault.Client.BaseAddress!, FhirApi.Base).AbsoluteUri;
        foreach (var (e, userRole, clientRole, serverRole) in new[] { (created, "AUT", "110153", "110152"), (denied, "IRCP", "110152", "110153"), (glass, "IRCP", "110152", "110153") })
        {
            Assert.Equal(3, e.Agent.Count);
            Assert.Equal(userRole, User(e).Type.Coding.Single().Code);
            var caller = e.Agent.Single(a => a.Requestor == false && a.Network?.Type == R4.AuditEvent.AuditEventAgentNetworkType.N2);
            Assert.Equal(("http://dicom.nema.org/resources/ontology/DCM", clientRole), (caller.Type.Coding.Single().System, caller.Type.Coding.Single().Code));
            Assert.Equal("127.0.0.1", caller.Network.Address);
            Assert.Equal("urn:platform:oauth-client", caller.Who.Identifier.System);
            Assert.False(string.IsNullOrEmpty(caller.Who.Identifier.Value));
            var vault = e.Agent.Single(a => a.Network?.Type == R4.AuditEvent.AuditEventAgentNetworkType.N5);
            Assert.Equal((serverRole, fhirBase.TrimEnd('/')), (vault.Type.Coding.Single().Code, vault.Network.Address.TrimEnd('/')));
            Assert.Equal("record-vault", vault.Who.Identifier.Value);
        }

        // date and _count, with paging through the client; a read by id.
        var client = FhirApi.Client(platform, patientToken);
        var none = await client.SearchAsync<R4.AuditEvent>(["date=gt2100-01-01"]);
        Assert.Equal((0, 0), (none!.Total, none.Entry.Count));
        var seen = new List<string>();
        var page = await client.SearchAsync<R4.AuditEvent>([$"date=ge{DateTime.UtcNow.AddDays(-1):yyyy-MM-dd}"], pageSize: 2);
        Assert.Equal(3, page!.Total);
        while (page is not null)
        {
            seen.AddRange(page.Entry.Select(e => e.Resource.Id));
            page = await client.ContinueAsync(page);
        }
        Assert.Equal(events.Select(e => e.Id), seen);
        Assert.Equal(glass.Id, (await client.ReadAsync<R4.AuditEvent>($"AuditEvent/{glass.Id}"))!.Id);

        // The clinician: their own two accesses, whatever they ask; never the patient's own write.
        var theirs = await FhirApi.Client(platform, clinicianToken).SearchAsync<R4.AuditEvent>([]);
        Assert.Equal(new[] { denied.Id, glass.Id }.Order(), theirs!.Entry.Select(e => e.Resource.Id).Order());
        var ofPatient = await FhirApi.Client(platform, clinicianToken).SearchAsync<R4.AuditEvent>([$"patient=Patient/{patient.Id}"]);
        Assert.Equal(2, ofPatient!.Total);
        var notTheirs = await Assert.ThrowsAsync<FhirOperationException>(() => FhirApi.Client(platform, clinicianToken).ReadAsync<R4.AuditEvent>($"AuditEvent/{created.Id}"));
        Assert.Equal(HttpStatusCode.NotFound, notTheirs.Status);

        // Another clinician and another patient: nothing of it.
        var otherClinician = await FhirApi.Client(platform, otherClinicianToken).SearchAsync<R4.AuditEvent>([$"patient=Patient/{patient.Id}"]);
        Assert.Equal(0, otherClinician!.Total);
        var foreignRead = await Assert.ThrowsAsync<FhirOperationException>(() => FhirApi.Client(platform, otherToken).ReadAsync<R4.AuditEvent>($"AuditEvent/{glass.Id}"));
        Assert.Equal(HttpStatusCode.NotFound, foreignRead.Status);
        var foreignSearch = await Assert.ThrowsAsync<FhirOperationException>(() => FhirApi.Client(platform, otherToken).SearchAsync<R4.AuditEvent>([$"patient=Patient/{patient.Id}"]));
        Assert.Equal(HttpStatusCode.Forbidden, foreignSearch.Status);
        var ownEmpty = await FhirApi.Client(platform, otherToken).SearchAsync<R4.AuditEvent>([]);
        Assert.Equal(0, ownEmpty!.Total);

        // Bad input: 400 OperationOutcomes.
        foreach (var bad in new[] { "date=2024-13", "entity=Observation/x", "_count=many" })
        {
            var (badStatus, _, badRaw) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/AuditEvent?{bad}", patientToken);
            Assert.True(badStatus == HttpStatusCode.BadRequest, bad);
            FhirApi.Valid<R4.OperationOutcome>(await badRaw.Content.ReadAsStringAsync());
        }
    }

    /// <summary>The agent BALP calls the user: who asked (the requestor).</summary>
    private static R4.AuditEvent.AgentComponent User(R4.AuditEvent audit) => audit.Agent.Single(a => a.Requestor == true);
}
