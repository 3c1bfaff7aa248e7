// Firely's models mark most elements nullable; a test that dereferences a missing one fails, which is the point.
#nullable disable warnings
using System.Net;
using Hl7.Fhir.Rest;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Identity.Accounts;
using Platform.RecordVault.Data;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// <c>Patient/{id}/$everything</c> through Firely's FhirClient: every type of the patient's, paged with <c>_count</c>
/// and followed through the next links, <c>_since</c>, a clinician seeing only what consent permits (withheld
/// resources absent from entries and total), every shown resource an audited read, and who may not ask.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class FhirEverythingTests(VaultPlatform platform)
{
    private static async Task<(List<string> Ids, int? Total)> Follow(FhirClient client, string url)
    {
        var ids = new List<string>();
        var bundle = await client.GetAsync(url) as R4.Bundle;
        var total = bundle!.Total;
        while (bundle is not null)
        {
            Assert.Equal(R4.Bundle.BundleType.Searchset, bundle.Type);
            ids.AddRange(bundle.Entry.Select(e => e.Resource.Id));
            bundle = await client.ContinueAsync(bundle);
        }
        return (ids, total);
    }

    [Fact]
    public async Task A_patient_gets_every_resource_of_every_type_paged_and_since_a_time()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var client = FhirApi.Client(platform, token);
        var created = new List<string>
        {
            (await client.CreateAsync(FhirApi.Observation(patient.Id, "one")))!.Id,
            (await client.CreateAsync(FhirApi.Condition(patient.Id, "two")))!.Id,
            (await client.CreateAsync(FhirApi.Observation(patient.Id, "three")))!.Id,
        };
        var (other, otherToken) = await platform.UserAsync(PlatformRoles.Patient);
        await FhirApi.Client(platform, otherToken).CreateAsync(FhirApi.Observation(other.Id, "not theirs"));

        var (ids, total) = await Follow(client, $"Patient/{patient.Id}/$everything?_count=2");
        Assert.Equal(3, total);
        Assert.Equal(created.Order(), ids.Order());

        var (status, _, raw) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/Patient/{patient.Id}/$everything?_count=2", token);
        Assert.Equal(HttpStatusCode.OK, status);
        var page = FhirApi.Valid<R4.Bundle>(await raw.Content.ReadAsStringAsync());
        Assert.Equal(["first", "last", "next", "self"], page.Link.Select(l => l.Relation).Order());
        Assert.Contains("/Patient/" + patient.Id + "/$everything?", page.Link.Single(l => l.Relation == "next").Url, StringComparison.Ordinal);
        Assert.Contains(page.Entry, e => e.Resource is R4.Observation);

        // _since: only what was updated at or after it.
        var later = (await client.ReadAsync<R4.Observation>($"Observation/{created[2]}"))!.Meta.LastUpdated!.Value;
        var (sinceIds, sinceTotal) = await Follow(client, $"Patient/{patient.Id}/$everything?_since={Uri.EscapeDataString(later.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ"))}");
        Assert.Equal(1, sinceTotal);
        Assert.Equal([created[2]], sinceIds);
        var (none, noneTotal) = await Follow(client, $"Patient/{patient.Id}/$everything?_since=2100-01-01T00:00:00Z");
        Assert.Equal((0, 0), (noneTotal, none.Count));

        // Another patient's everything is refused; a malformed _since and an unsupported parameter are 400s.
        var (foreign, _, _) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/Patient/{other.Id}/$everything", token);
        Assert.Equal(HttpStatusCode.Forbidden, foreign);
        foreach (var bad in new[] { "_since=2024", "_since=yesterday", "_count=-1", "_type=Observation", "start=2024-01-01" })
        {
            var (badStatus, _, badRaw) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/Patient/{patient.Id}/$everything?{bad}", token);
            Assert.True(badStatus == HttpStatusCode.BadRequest, bad);
            FhirApi.Valid<R4.OperationOutcome>(await badRaw.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task A_clinician_gets_only_what_consent_permits_and_each_shown_resource_is_an_audited_read()
    {
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (clinician, clinicianToken) = await platform.UserAsync(PlatformRoles.Clinician);
        var mine = FhirApi.Client(platform, patientToken);
        var observation = (await mine.CreateAsync(FhirApi.Observation(patient.Id, "consented")))!;
        var condition = (await mine.CreateAsync(FhirApi.Condition(patient.Id, "withheld")))!;

        // Before any consent: an empty searchset, the same answer as a patient with nothing.
        var theirs = FhirApi.Client(platform, clinicianToken);
        var (before, beforeTotal) = await Follow(theirs, $"Patient/{patient.Id}/$everything");
        Assert.Equal((0, 0), (beforeTotal, before.Count));

        var (granted, consent, _) = await platform.ConsentAsync(HttpMethod.Post, "/consents", patientToken, new
        {
            grantee = new { kind = "practitioner", id = clinician.Id },
            categories = new[] { "observation" },
            purposes = new[] { "TREAT" },
        });
        Assert.True(granted == HttpStatusCode.Created, consent.ToString());

        var (ids, total) = await Follow(theirs, $"Patient/{patient.Id}/$everything");
        Assert.Equal(1, total);
        Assert.Equal([observation.Id], ids);

        // Break-glass opens one record, not a patient's everything.
        var (glass, _, _) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/Patient/{patient.Id}/$everything", clinicianToken,
            headers: new Dictionary<string, string> { ["X-Break-Glass"] = "true", ["X-Purpose-Of-Use"] = "ETREAT" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, glass);

        using var scope = platform.Vault.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        var log = await db.AccessLog.AsNoTracking().Where(a => a.Patient == patient.Id && a.Actor == clinician.Id).ToListAsync();
        Assert.Single(log, a => a.RecordId == Guid.Parse(observation.Id) && a.Action == "read" && a.Outcome == "permit");
        // The withheld Condition was never touched: no read, no refusal in its log.
        Assert.DoesNotContain(log, a => a.RecordId == Guid.Parse(condition.Id));
    }
}
