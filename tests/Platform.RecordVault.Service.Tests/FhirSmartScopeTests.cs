// Firely's models mark most elements nullable; a test that dereferences a missing one fails, which is the point.
#nullable disable warnings
using System.Net;
using Hl7.Fhir.Rest;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.RecordVault.Fhir;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// SMART scopes on <c>$everything</c>, <c>AuditEvent</c> and <c>Binary</c>, with tokens from real standalone launches:
/// a token for <c>patient/Observation.rs</c> gets only Observations from <c>$everything</c> (its total counts only
/// them) and is refused the access log and attachments (403 <c>insufficient_scope</c>); <c>patient/AuditEvent.rs</c>
/// and <c>patient/Binary.r</c> open exactly those; <c>user/AuditEvent.rs</c> gives a clinician their own trail.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class FhirSmartScopeTests(VaultPlatform platform)
{
    private static readonly byte[] Pdf = "%PDF-1.4\n% scoped\n%%EOF\n"u8.ToArray();

    [Fact]
    public async Task An_observation_scope_sees_only_observations_in_everything_and_neither_the_access_log_nor_attachments()
    {
        var (patient, platformToken) = await platform.UserAsync(PlatformRoles.Patient);
        var mine = FhirApi.Client(platform, platformToken);
        var observation = await mine.CreateAsync(FhirApi.Observation(patient.Id, "pulse"));
        await mine.CreateAsync(FhirApi.Condition(patient.Id, "hidden by the scope"));
        var binary = await mine.CreateAsync(new R4.Binary { ContentType = "application/pdf", Data = Pdf, SecurityContext = new R4.ResourceReference("Patient/" + patient.Id) });

        // The platform's own token sees both types in $everything.
        var all = (R4.Bundle)await mine.GetAsync($"Patient/{patient.Id}/$everything");
        Assert.Equal(2, all.Total);

        var app = FhirApi.Client(platform, await LaunchAsync(patient, "openid launch/patient patient/Observation.rs"));
        var everything = (R4.Bundle)await app.GetAsync($"Patient/{patient.Id}/$everything");
        Assert.Equal(1, everything.Total);
        Assert.Equal(observation.Id, everything.Entry.Single().Resource.Id);

        foreach (var refused in new Func<Task>[]
                 {
                     () => app.SearchAsync<R4.AuditEvent>([]),
                     () => app.ReadAsync<R4.AuditEvent>($"AuditEvent/{Guid.NewGuid()}"),
                     () => app.ReadAsync<R4.Binary>($"Binary/{binary.Id}"),
                     () => app.CreateAsync(new R4.Binary { ContentType = "application/pdf", Data = Pdf, SecurityContext = new R4.ResourceReference("Patient/" + patient.Id) }),
                 })
        {
            var error = await Assert.ThrowsAsync<FhirOperationException>(refused);
            Assert.Equal(HttpStatusCode.Forbidden, error.Status);
            Assert.Contains(error.Outcome.Issue, i => i.Details.Coding.Any(c => c.Code == SmartAccess.InsufficientScope));
        }
    }

    [Fact]
    public async Task Audit_and_binary_scopes_open_the_access_log_and_attachments_and_nothing_else()
    {
        var (patient, platformToken) = await platform.UserAsync(PlatformRoles.Patient);
        var mine = FhirApi.Client(platform, platformToken);
        var observation = await mine.CreateAsync(FhirApi.Observation(patient.Id, "audited"));
        var binary = await mine.CreateAsync(new R4.Binary { ContentType = "application/pdf", Data = Pdf, SecurityContext = new R4.ResourceReference("Patient/" + patient.Id) });

        var app = FhirApi.Client(platform, await LaunchAsync(patient, "openid launch/patient patient/AuditEvent.rs patient/Binary.r"));
        var log = await app.SearchAsync<R4.AuditEvent>([]);
        Assert.True(log.Total >= 2);
        Assert.All(log.Entry, e => Assert.Contains(((R4.AuditEvent)e.Resource).Entity, x => x.What.Reference == "Patient/" + patient.Id));
        var one = (R4.AuditEvent)log.Entry[0].Resource;
        Assert.Equal(one.Id, (await app.ReadAsync<R4.AuditEvent>($"AuditEvent/{one.Id}")).Id);
        Assert.Equal(Pdf, (await app.ReadAsync<R4.Binary>($"Binary/{binary.Id}")).Data);

        // The scopes name neither Observation nor search on Binary's type: refused; $everything has no type to show.
        foreach (var refused in new Func<Task>[]
                 {
                     () => app.ReadAsync<R4.Observation>($"Observation/{observation.Id}"),
                     () => app.GetAsync($"Patient/{patient.Id}/$everything"),
                 })
        {
            var error = await Assert.ThrowsAsync<FhirOperationException>(refused);
            Assert.Equal(HttpStatusCode.Forbidden, error.Status);
        }
    }

    [Fact]
    public async Task A_user_audit_scope_gives_a_clinician_their_own_trail_without_a_patient_in_context()
    {
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (clinician, clinicianToken) = await platform.UserAsync(PlatformRoles.Clinician);
        var observation = await FhirApi.Client(platform, patientToken).CreateAsync(FhirApi.Observation(patient.Id, "not consented"));
        // A refused read: one entry in the clinician's trail.
        await Assert.ThrowsAsync<FhirOperationException>(() => FhirApi.Client(platform, clinicianToken).ReadAsync<R4.Observation>($"Observation/{observation.Id}"));

        using var session = new FormSession(platform.Identity.BaseAddress);
        var (token, _) = await SmartAppLaunch.RunAsync(platform, new CodeFlow(session), await SmartAppLaunch.DiscoverAsync(platform), clinician, "openid user/AuditEvent.rs");
        var app = FhirApi.Client(platform, token.GetProperty("access_token").GetString());
        var trail = await app.SearchAsync<R4.AuditEvent>([$"patient=Patient/{patient.Id}"]);
        var entry = (R4.AuditEvent)trail.Entry.Single().Resource;
        Assert.Equal(("Practitioner/" + clinician.Id, R4.AuditEvent.AuditEventOutcome.N4), (entry.Agent[0].Who.Reference, entry.Outcome));
        var error = await Assert.ThrowsAsync<FhirOperationException>(() => app.ReadAsync<R4.Observation>($"Observation/{observation.Id}"));
        Assert.Equal(HttpStatusCode.Forbidden, error.Status);
    }

    private async Task<string> LaunchAsync(TestAccount patient, string scope)
    {
        using var session = new FormSession(platform.Identity.BaseAddress);
        var (token, _) = await SmartAppLaunch.RunAsync(platform, new CodeFlow(session), await SmartAppLaunch.DiscoverAsync(platform), patient, scope);
        Assert.Equal(patient.Id, token.GetProperty("patient").GetString());
        return token.GetProperty("access_token").GetString();
    }
}
