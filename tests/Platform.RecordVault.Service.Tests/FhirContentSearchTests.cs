// Firely's models mark most elements nullable; a test that dereferences a missing one fails, which is the point.
#nullable disable warnings
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Rest;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Identity.Accounts;
using Platform.RecordVault.Data;
using Platform.RecordVault.Records;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// Search on content — <c>code</c>, <c>category</c>, <c>date</c> — driven by Firely's FhirClient: each token form and
/// date prefix, paging links that keep the parameters, a new version replacing its keys, erasure removing them, the
/// backfill indexing a record written without keys, consent still deciding what counts, no code stored in clear, and
/// 400 OperationOutcomes for malformed values and parameters R4 does not define for the type.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class FhirContentSearchTests(VaultPlatform platform)
{
    private const string Loinc = "http://loinc.org";
    private const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";

    private static R4.Observation Coded(string patient, string? system, string code, string category, string effective) => new()
    {
        Status = R4.ObservationStatus.Final,
        Category = [new R4.CodeableConcept(ObservationCategory, category)],
        Code = new R4.CodeableConcept { Coding = [new R4.Coding(system, code)], Text = code },
        Subject = new R4.ResourceReference("Patient/" + patient),
        Effective = new R4.FhirDateTime(effective),
    };

    private static async Task<List<string>> Ids(FhirClient client, params string[] criteria)
    {
        var found = new List<string>();
        var bundle = await client.SearchAsync<R4.Observation>(criteria, pageSize: 2);
        var total = bundle!.Total;
        while (bundle is not null)
        {
            found.AddRange(bundle.Entry.Select(e => e.Resource.Id));
            bundle = await client.ContinueAsync(bundle);
        }
        Assert.Equal(total, found.Count);
        return found;
    }

    [Fact]
    public async Task Code_category_and_date_find_what_they_name_with_every_token_form_and_prefix()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var client = FhirApi.Client(platform, token);
        var heart1 = (await client.CreateAsync(Coded(patient.Id, Loinc, "8867-4", "vital-signs", "2024-03-01T10:00:00Z")))!.Id;
        var heart2 = (await client.CreateAsync(Coded(patient.Id, Loinc, "8867-4", "vital-signs", "2024-03-15")))!.Id;
        var temp = (await client.CreateAsync(Coded(patient.Id, Loinc, "8310-5", "vital-signs", "2024-04-02T08:30:00+02:00")))!.Id;
        var local = (await client.CreateAsync(Coded(patient.Id, null, "8867-4", "laboratory", "2023-12-31")))!.Id;
        var other = (await client.CreateAsync(Coded(patient.Id, "urn:other", "glucose", "laboratory", "2025-01-01")))!.Id;

        // code: any system, system|code, |code (no system), system|, and alternatives.
        Assert.Equal(new[] { heart1, heart2, local }.Order(), (await Ids(client, "code=8867-4")).Order());
        Assert.Equal(new[] { heart1, heart2 }.Order(), (await Ids(client, $"code={Loinc}|8867-4")).Order());
        Assert.Equal([local], await Ids(client, "code=|8867-4"));
        Assert.Equal(new[] { heart1, heart2, temp }.Order(), (await Ids(client, $"code={Loinc}|")).Order());
        Assert.Equal(new[] { temp, other }.Order(), (await Ids(client, $"code={Loinc}|8310-5,urn:other|glucose")).Order());
        Assert.Empty(await Ids(client, $"code=urn:other|8867-4"));

        // category, and two parameters together (both must hold).
        Assert.Equal(new[] { local, other }.Order(), (await Ids(client, $"category={ObservationCategory}|laboratory")).Order());
        Assert.Equal([local], await Ids(client, "category=laboratory", "code=8867-4"));

        // date: the precision is a range; prefixes compare ranges (FHIR R4 search, "date").
        Assert.Equal(new[] { heart1, heart2 }.Order(), (await Ids(client, "date=2024-03")).Order());
        Assert.Equal([heart1], await Ids(client, "date=2024-03-01"));
        Assert.Equal(new[] { heart2, temp, other }.Order(), (await Ids(client, "date=gt2024-03-01")).Order());
        Assert.Equal(new[] { heart1, heart2, temp, other }.Order(), (await Ids(client, "date=ge2024-03-01")).Order());
        Assert.Equal([local], await Ids(client, "date=lt2024"));
        Assert.Equal(new[] { heart2, temp }.Order(), (await Ids(client, "date=sa2024-03-01", "date=eb2025")).Order());
        // 08:30 at +02:00 is 06:30 UTC.
        Assert.Equal([temp], await Ids(client, "date=ge2024-04-02T06:30:00Z", "date=le2024-04-02T06:30:00Z"));
        Assert.Equal(new[] { heart1, heart2, local, other }.Order(), (await Ids(client, "date=ne2024-04-02")).Order());

        // The paging links carry the content parameters (Ids follows them page by page and checks the total).
        var (_, _, raw) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/Observation?code=8867-4&date=ge2024&_count=1", token);
        var page = FhirApi.Valid<R4.Bundle>(await raw.Content.ReadAsStringAsync());
        Assert.Equal(2, page.Total);
        Assert.Contains("code=8867-4", page.Link.Single(l => l.Relation == "next").Url, StringComparison.Ordinal);
        Assert.Contains("date=ge2024", page.Link.Single(l => l.Relation == "next").Url, StringComparison.Ordinal);

        // POST _search takes the same parameters.
        var posted = await client.SearchUsingPostAsync<R4.Observation>(new SearchParams().Add("code", "8310-5"));
        Assert.Equal(temp, posted!.Entry.Single().Resource.Id);
    }

    [Fact]
    public async Task Codes_are_stored_only_as_keyed_hashes_bound_to_the_patient_and_follow_the_current_version()
    {
        var (alice, aliceToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (bob, bobToken) = await platform.UserAsync(PlatformRoles.Patient);
        var aliceClient = FhirApi.Client(platform, aliceToken);
        var a = (await aliceClient.CreateAsync(Coded(alice.Id, Loinc, "8867-4", "vital-signs", "2024-03-01")))!;
        var b = (await FhirApi.Client(platform, bobToken).CreateAsync(Coded(bob.Id, Loinc, "8867-4", "vital-signs", "2024-03-01")))!;

        using (var scope = platform.Vault.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
            var aliceKeys = await db.SearchKeys.AsNoTracking().Where(k => k.RecordId == Guid.Parse(a.Id)).ToListAsync();
            var bobKeys = await db.SearchKeys.AsNoTracking().Where(k => k.RecordId == Guid.Parse(b.Id)).ToListAsync();
            var aliceTokens = aliceKeys.Where(k => k.Token is not null).Select(k => k.Token).ToList();
            // code: three forms of one coding; category: two forms plus the system; one date.
            Assert.Equal(3, aliceKeys.Count(k => k.Parameter == "code"));
            Assert.Equal(3, aliceKeys.Count(k => k.Parameter == "category"));
            Assert.Single(aliceKeys, k => k.Parameter == "date" && k.StartMs == DateTimeOffset.Parse("2024-03-01T00:00:00Z").ToUnixTimeMilliseconds());
            Assert.All(aliceTokens, t => Assert.Matches("^[0-9a-f]{64}$", t));
            // No column holds the code in clear. ("8867-4" cannot occur in hex by chance; "8867" alone can, and did.)
            Assert.DoesNotContain(aliceKeys, k => $"{k.Patient} {k.ResourceType} {k.Parameter} {k.Token}".Contains("8867-4", StringComparison.Ordinal));
            // Keyed: hashing the code without the key, bare or framed as the hasher frames it, matches no stored token.
            var unkeyed = new[]
            {
                "8867-4", $"{Loinc}|8867-4", SearchKeyHasher.CodeForm("8867-4"), SearchKeyHasher.SystemCodeForm(Loinc, "8867-4"),
                $"fhir-search-v1\0{alice.Id}\0code\0{SearchKeyHasher.CodeForm("8867-4")}",
                $"fhir-search-v1\0{alice.Id}\0code\0{SearchKeyHasher.SystemCodeForm(Loinc, "8867-4")}",
            }.Select(text => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text))));
            Assert.Empty(aliceTokens.Intersect(unkeyed));
            // The same code of another patient hashes differently: the table does not tell who shares a code.
            Assert.Empty(aliceTokens.Intersect(bobKeys.Where(k => k.Token is not null).Select(k => k.Token)));
            // The blind-index key is stored only wrapped.
            var indexKey = await db.SearchIndexKeys.AsNoTracking().SingleAsync();
            Assert.NotEmpty(indexKey.WrappedKey);
        }

        // A new version replaces the keys: the old code no longer finds it, the new one does.
        var updated = Coded(alice.Id, Loinc, "8310-5", "vital-signs", "2024-05-01");
        updated.Id = a.Id;
        await aliceClient.UpdateAsync(updated);
        Assert.Empty(await Ids(aliceClient, "code=8867-4"));
        Assert.Equal([a.Id], await Ids(aliceClient, "code=8310-5", "date=2024-05"));

        // Erasure takes the keys with the data key.
        var (erased, _, _) = await platform.VaultAsync(HttpMethod.Delete, $"/records/{a.Id}", aliceToken);
        Assert.Equal(HttpStatusCode.NoContent, erased);
        using (var scope = platform.Vault.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
            Assert.False(await db.SearchKeys.AnyAsync(k => k.RecordId == Guid.Parse(a.Id)));
        }
    }

    [Fact]
    public async Task The_backfill_indexes_a_record_written_without_search_keys()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var client = FhirApi.Client(platform, token);
        var created = (await client.CreateAsync(Coded(patient.Id, Loinc, "2339-0", "laboratory", "2022-06-01")))!;
        var id = Guid.Parse(created.Id);
        using (var scope = platform.Vault.Services.CreateScope())
        {
            // As a record from before search keys existed.
            var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
            await db.SearchKeys.Where(k => k.RecordId == id).ExecuteDeleteAsync();
            await db.Records.Where(r => r.Id == id).ExecuteUpdateAsync(r => r.SetProperty(x => x.SearchIndexedVersion, (int?)null));
        }
        Assert.Empty(await Ids(client, "code=2339-0"));

        using (var scope = platform.Vault.Services.CreateScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<RecordStore>();
            while (await store.IndexBatchAsync(100, CancellationToken.None) > 0)
            {
            }
            var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
            Assert.Equal(1, await db.Records.Where(r => r.Id == id).Select(r => r.SearchIndexedVersion).SingleAsync());
        }
        Assert.Equal([created.Id], await Ids(client, "code=2339-0", "date=2022"));
    }

    [Fact]
    public async Task A_clinicians_content_search_counts_only_the_categories_consent_permits()
    {
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (clinician, clinicianToken) = await platform.UserAsync(PlatformRoles.Clinician);
        var mine = FhirApi.Client(platform, patientToken);
        var observation = (await mine.CreateAsync(Coded(patient.Id, Loinc, "8867-4", "vital-signs", "2024-03-01")))!;
        var condition = new R4.Condition
        {
            Subject = new R4.ResourceReference("Patient/" + patient.Id),
            Code = new R4.CodeableConcept("http://snomed.info/sct", "38341003"),
        };
        await mine.CreateAsync(condition);
        var (granted, consent, _) = await platform.ConsentAsync(HttpMethod.Post, "/consents", patientToken, new
        {
            grantee = new { kind = "practitioner", id = clinician.Id },
            categories = new[] { "observation" },
            purposes = new[] { "TREAT" },
        });
        Assert.True(granted == HttpStatusCode.Created, consent.ToString());

        var theirs = FhirApi.Client(platform, clinicianToken);
        var found = await theirs.SearchAsync<R4.Observation>([$"patient=Patient/{patient.Id}", "code=8867-4"]);
        Assert.Equal(observation.Id, found!.Entry.Single().Resource.Id);
        // The withheld Condition's code finds nothing, and counts nothing: as for a code the patient never had.
        var withheld = await theirs.SearchAsync<R4.Condition>([$"patient=Patient/{patient.Id}", "code=http://snomed.info/sct|38341003"]);
        var never = await theirs.SearchAsync<R4.Condition>([$"patient=Patient/{patient.Id}", "code=http://snomed.info/sct|00000000"]);
        Assert.Equal((0, 0), (withheld!.Total, withheld.Entry.Count));
        Assert.Equal((0, 0), (never!.Total, never.Entry.Count));
    }

    [Theory]
    [InlineData("Observation?code=")]
    [InlineData("Observation?code=|")]
    [InlineData("Observation?code=a|b|c")]
    [InlineData("Observation?code=8867-4,")]
    [InlineData("Observation?category=")]
    [InlineData("Observation?date=2024-13")]
    [InlineData("Observation?date=yesterday")]
    [InlineData("Observation?date=ge2024-03-01T10:00")]
    [InlineData("Observation?code:text=pulse")]
    [InlineData("Condition?date=2024")]
    [InlineData("Immunization?code=123")]
    public async Task Malformed_or_undefined_content_parameters_are_400_operation_outcomes(string search)
    {
        var (_, token) = await platform.UserAsync(PlatformRoles.Patient);
        var (status, _, raw) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/{search}", token);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var outcome = FhirApi.Valid<R4.OperationOutcome>(await raw.Content.ReadAsStringAsync());
        Assert.Equal(R4.OperationOutcome.IssueType.Invalid, outcome.Issue[0].Code);
    }
}
