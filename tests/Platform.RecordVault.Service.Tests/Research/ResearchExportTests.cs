// Firely's models mark most elements nullable; a test that dereferences a missing one fails, which is the point.
#nullable disable warnings
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Consent.Data;
using Platform.Contracts.Events;
using Platform.Crypto.Jose;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Ledger.Cli;
using Platform.Ledger.Verification;
using Platform.Messaging;
using Platform.RecordVault.Data;
using Platform.Testing;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Service.Tests.Research;

/// <summary>
/// A study's de-identified export end to end, on the real services (identity, consent, the vault with the HSM and
/// PostgreSQL, a one-replica ledger): an organisation verified by a reviewer declares a study, patients opt in (one opts
/// out again), the representative starts the export, polls it, downloads the manifest and the NDJSON files, and
/// `ledger verify-export` checks the folder against the manifest's receipt; the opted-out patient and the categories
/// the study did not ask for are absent, and no direct identifier leaves. Then who may do what: another organisation's
/// researcher gets 404 for everything of the export, a researcher's token reads no records, a patient's token starts
/// no export.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class ResearchExportTests(VaultPlatform platform)
{
    private readonly ResearchSetup _research = new(platform);

    [Fact]
    public async Task A_studys_export_leaves_out_the_opted_out_patient_and_verifies_against_its_ledger_receipt()
    {
        var reviewer = await platform.SignInAsync(await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.KycReviewer));
        var (representative, researcher) = await _research.ResearcherAsync();
        var organisation = await _research.OrganisationAsync(researcher, reviewer);
        var studyId = await _research.StudyAsync(organisation, researcher, ["observation"],
            compensation: new { basis = "per-participant", amountMinor = 2000, currency = "EUR" });

        // Four patients with an observation and a condition each; three take part, the fourth opts in and out again.
        var marker = "research-marker-" + Guid.NewGuid().ToString("N");
        var patients = new List<(TestAccount Account, string Token)>();
        var optInConsents = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            var (account, token) = await platform.UserAsync(PlatformRoles.Patient);
            var client = FhirApi.Client(platform, token);
            await client.CreateAsync(Observation(account.Id, $"{marker}-{i}"));
            await client.CreateAsync(FhirApi.Condition(account.Id, $"{marker}-condition-{i}"));
            var (optIn, consent, _) = await platform.SendConsentAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-in", token, new { });
            Assert.Equal(HttpStatusCode.Created, optIn);
            optInConsents.Add(Guid.Parse(consent.GetProperty("id").GetString()!));
            patients.Add((account, token));
        }
        var (optOut, _, _) = await platform.SendConsentAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-out", patients[3].Token, new { });
        Assert.Equal(HttpStatusCode.OK, optOut);

        // A patient's token (no research.export scope) starts nothing; the representative's does, asynchronously.
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.VaultAsync(HttpMethod.Post, $"/research/studies/{studyId}/exports", patients[0].Token)).Status);
        var (started, _, raw) = await platform.VaultAsync(HttpMethod.Post, $"/research/studies/{studyId}/exports", researcher);
        Assert.Equal(HttpStatusCode.Accepted, started);
        var statusUrl = raw.Content.Headers.ContentLocation?.OriginalString ?? raw.Headers.GetValues("Content-Location").Single();
        Assert.StartsWith("/research/exports/", statusUrl, StringComparison.Ordinal);

        var status = await _research.CompletedAsync(statusUrl, researcher);
        var manifest = status.GetProperty("manifest");
        Assert.Equal(studyId, manifest.GetProperty("studyId").GetString());
        Assert.Equal("1", manifest.GetProperty("deidRulesVersion").GetString());
        Assert.Equal(3, manifest.GetProperty("participants").GetInt32());
        Assert.Matches("^[0-9a-f]{64}$", manifest.GetProperty("consentSetHash").GetString());
        var files = status.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f);
        // Only the study's category (observation), and the Patient built for each participant.
        Assert.Equal(["Observation.ndjson", "Patient.ndjson"], files.Keys.Order());
        Assert.Equal((3, 3), (files["Observation.ndjson"].GetProperty("count").GetInt32(), files["Patient.ndjson"].GetProperty("count").GetInt32()));

        // The folder as a researcher downloads it.
        var folder = Directory.CreateTempSubdirectory("research-export-").FullName;
        try
        {
            var manifestBytes = await DownloadAsync(status.GetProperty("manifestUrl").GetString()!, researcher);
            Assert.Equal(status.GetProperty("manifestHash").GetString(), Convert.ToHexStringLower(SHA256.HashData(manifestBytes)));
            await File.WriteAllBytesAsync(Path.Combine(folder, "manifest.json"), manifestBytes);
            var text = new StringBuilder();
            foreach (var (name, file) in files)
            {
                var bytes = await DownloadAsync(file.GetProperty("url").GetString()!, researcher);
                Assert.Equal(file.GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
                await File.WriteAllBytesAsync(Path.Combine(folder, name), bytes);
                text.Append(Encoding.UTF8.GetString(bytes));
            }
            var exported = text.ToString();
            // No patient id, no free text, nothing of the opted-out patient; every line is FHIR R4.
            foreach (var (account, _) in patients)
            {
                Assert.DoesNotContain(account.Id, exported, StringComparison.Ordinal);
            }
            Assert.DoesNotContain(marker, exported, StringComparison.Ordinal);
            var observations = exported.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains("\"Observation\"", StringComparison.Ordinal))
                .Select(FhirApi.Valid<R4.Observation>).ToList();
            Assert.Equal(3, observations.Count);
            Assert.All(observations, o => Assert.Equal("8480-6", o.Code.Coding.Single().Code));

            // The receipt: the ledger committed the manifest's hash; `ledger verify-export` checks the folder against it.
            await Eventually.TrueAsync(async () =>
            {
                status = (await platform.VaultAsync(HttpMethod.Get, statusUrl, researcher)).Body;
                return status.GetProperty("receipt").ValueKind == JsonValueKind.Object;
            }, "the export's ledger receipt", TimeSpan.FromSeconds(30));
            var receiptPath = Path.Combine(folder, "..", Path.GetFileName(folder) + "-receipt.json");
            await File.WriteAllTextAsync(receiptPath, status.GetProperty("receipt").GetRawText());
            var keysPath = Path.Combine(folder, "..", Path.GetFileName(folder) + "-keys.json");
            await File.WriteAllTextAsync(keysPath, (await platform.Ledger.Client.GetFromJsonAsync<JsonElement>("/replicas/keys")).GetRawText());
            using var output = new StringWriter();
            using var error = new StringWriter();
            var exit = LedgerCli.Run(["verify-export", folder, receiptPath, "--keys", keysPath], output, error);
            Assert.True(exit == 0, output.ToString() + error);
            Assert.Contains($"of study {studyId}", output.ToString(), StringComparison.Ordinal);

            // Nothing linkable on the ledger: the entry names the export and a hash, not the study or a patient.
            var entry = Encoding.ASCII.GetString(StrictBase64Url.TryDecode(status.GetProperty("receipt").GetProperty("entry").GetString()!)!);
            var payload = Encoding.UTF8.GetString(StrictBase64Url.TryDecode(entry.Split('.')[1])!);
            Assert.DoesNotContain(Guid.Parse(studyId).ToString("N"), payload, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(studyId, payload, StringComparison.OrdinalIgnoreCase);
            Assert.All(patients, p => Assert.DoesNotContain(p.Account.Id, payload, StringComparison.Ordinal));
            File.Delete(receiptPath);
            File.Delete(keysPath);

            // With the receipt, the consent service learns which opt-ins the export released (for the patients' page):
            // the three participants', with the entry's index; not the opted-out patient's.
            var exportId = Guid.Parse(manifest.GetProperty("exportId").GetString()!);
            var leafIndex = status.GetProperty("leafIndex").GetInt64();
            List<ResearchExportInclusionRow> inclusions = [];
            await Eventually.TrueAsync(async () =>
            {
                using var scope = platform.Consent.Services.CreateScope();
                inclusions = await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().ResearchExportInclusions.AsNoTracking()
                    .Where(i => i.ExportId == exportId).ToListAsync();
                return inclusions.Count == 3;
            }, "the consent service recorded the export's participants", TimeSpan.FromSeconds(30));
            Assert.Equal(optInConsents.Take(3).Order(), inclusions.Select(i => i.ConsentId).Order());
            Assert.DoesNotContain(optInConsents[3], inclusions.Select(i => i.ConsentId));
            Assert.All(inclusions, i => Assert.Equal((Guid.Parse(studyId), leafIndex, status.GetProperty("manifestHash").GetString()), (i.StudyId, i.LeafIndex, i.ManifestHash)));

            // The study pays per participant: each of the three is credited once, on the ledger; the opted-out patient is not.
            List<ResearchCreditRow> credits = [];
            await Eventually.TrueAsync(async () =>
            {
                using var scope = platform.Consent.Services.CreateScope();
                credits = await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().ResearchCredits.AsNoTracking()
                    .Where(c => c.StudyId == Guid.Parse(studyId)).ToListAsync();
                return credits.Count == 3 && credits.TrueForAll(c => c.Receipt is not null);
            }, "the participants' credits are on the ledger", TimeSpan.FromSeconds(30));
            Assert.Equal(optInConsents.Take(3).Order(), credits.Select(c => c.ConsentId).Order());
            Assert.All(credits, c => Assert.Equal((exportId, 2000L, "EUR", "per-participant"), (c.ExportId, c.AmountMinor, c.Currency, c.Basis)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        // Every record read for the export was decided and audited as the study's read for research; the opted-out
        // patient's records were not read.
        var studyActor = "study-" + Guid.Parse(studyId).ToString("N");
        using (var scope = platform.Vault.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
            foreach (var (account, _) in patients.Take(3))
            {
                var reads = await db.AccessLog.AsNoTracking().Where(a => a.Patient == account.Id && a.Actor == studyActor).ToListAsync();
                var read = Assert.Single(reads);
                Assert.Equal(("read", "permit", "HRESCH"), (read.Action, read.Outcome, read.Purpose));
            }
            Assert.False(await db.AccessLog.AnyAsync(a => a.Patient == patients[3].Account.Id && a.Actor == studyActor));

            // The pseudonym master key is stored only wrapped, in its own table: the search index code never meets it.
            var masterKey = await db.ResearchPseudonymKeys.AsNoTracking().SingleAsync();
            Assert.Equal(Platform.RecordVault.Research.PseudonymMasterKey.KeyName, masterKey.Name);
            Assert.NotEmpty(masterKey.WrappedKey);
            Assert.False(await db.SearchIndexKeys.AnyAsync(k => k.Name == Platform.RecordVault.Research.PseudonymMasterKey.KeyName));
        }
    }

    [Fact]
    public async Task Another_organisations_researcher_reads_nothing_of_the_export_and_a_researcher_reads_no_records()
    {
        var reviewer = await platform.SignInAsync(await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.KycReviewer));
        var (_, researcher) = await _research.ResearcherAsync();
        var studyId = await _research.StudyAsync(await _research.OrganisationAsync(researcher, reviewer), researcher, ["observation"]);
        var (_, stranger) = await _research.ResearcherAsync();
        await _research.OrganisationAsync(stranger, reviewer);
        // Two participants: k is 2 here, and a cohort smaller than k releases no file.
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        foreach (var (account, token) in new[] { (patient, patientToken), await platform.UserAsync(PlatformRoles.Patient) })
        {
            await FhirApi.Client(platform, token).CreateAsync(Observation(account.Id, "not for researchers"));
            Assert.Equal(HttpStatusCode.Created, (await platform.SendConsentAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-in", token, new { })).Status);
        }

        // Another organisation's researcher cannot start an export of this study (as if it did not exist).
        Assert.Equal(HttpStatusCode.NotFound, (await platform.VaultAsync(HttpMethod.Post, $"/research/studies/{studyId}/exports", stranger)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await platform.VaultAsync(HttpMethod.Post, $"/research/studies/{Guid.NewGuid()}/exports", researcher)).Status);
        var (malformed, malformedBody, _) = await platform.VaultAsync(HttpMethod.Post, "/research/studies/not-a-uuid/exports", researcher);
        Assert.Equal((HttpStatusCode.BadRequest, "malformed_id"), (malformed, malformedBody.GetProperty("code").GetString()));

        var (_, _, raw) = await platform.VaultAsync(HttpMethod.Post, $"/research/studies/{studyId}/exports", researcher);
        var statusUrl = raw.Content.Headers.ContentLocation?.OriginalString ?? raw.Headers.GetValues("Content-Location").Single();
        var status = await _research.CompletedAsync(statusUrl, researcher);
        var file = status.GetProperty("files").EnumerateArray().First().GetProperty("url").GetString()!;
        foreach (var url in new[] { statusUrl, status.GetProperty("manifestUrl").GetString()!, file })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await platform.VaultAsync(HttpMethod.Get, url, stranger)).Status);
            Assert.Equal(HttpStatusCode.Forbidden, (await platform.VaultAsync(HttpMethod.Get, url, patientToken)).Status);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await platform.VaultAsync(HttpMethod.Get, $"/research/exports/{Guid.NewGuid()}", researcher)).Status);

        // The scope is not the permission: a participant and a clinician who signed in with a second factor and were
        // given research.export (any portal client may ask for it) start nothing and read nothing of the export.
        var participant = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Patient, enrolTotp: true);
        Assert.Equal(HttpStatusCode.Created, (await platform.SendConsentAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-in",
            await platform.SignInAsync(participant), new { })).Status);
        var clinician = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Clinician, enrolTotp: true);
        foreach (var account in new[] { participant, clinician })
        {
            using var session = new FormSession(platform.Identity.BaseAddress);
            var token = (await new CodeFlow(session).SignInThroughPortalAsync(account, "openid research.export")).GetProperty("access_token").GetString()!;
            Assert.Equal(HttpStatusCode.NotFound, (await platform.VaultAsync(HttpMethod.Post, $"/research/studies/{studyId}/exports", token)).Status);
            foreach (var url in new[] { statusUrl, status.GetProperty("manifestUrl").GetString()!, file })
            {
                Assert.Equal(HttpStatusCode.NotFound, (await platform.VaultAsync(HttpMethod.Get, url, token)).Status);
            }
        }

        // The researcher's token reads no records: not the participant's (no records scope), not through FHIR.
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.VaultAsync(HttpMethod.Get, $"/patients/{patient.Id}/records", researcher)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.VaultAsync(HttpMethod.Get, $"/fhir/r4/Observation?patient={patient.Id}", researcher)).Status);
    }

    private static R4.Observation Observation(string patient, string text) => new()
    {
        Status = R4.ObservationStatus.Final,
        Code = new R4.CodeableConcept("http://loinc.org", "8480-6", "Systolic blood pressure", text),
        Subject = new R4.ResourceReference("Patient/" + patient),
        Effective = new R4.FhirDateTime("2024-03-11T08:30:00+01:00"),
        Value = new R4.Quantity(128, "mm[Hg]", "http://unitsofmeasure.org"),
    };

    private async Task<byte[]> DownloadAsync(string url, string token)
    {
        var (status, _, raw) = await platform.VaultAsync(HttpMethod.Get, url, token);
        Assert.Equal(HttpStatusCode.OK, status);
        return await raw.Content.ReadAsByteArrayAsync();
    }
}
