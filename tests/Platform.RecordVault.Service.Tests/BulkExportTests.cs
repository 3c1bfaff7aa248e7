// Firely's models mark most elements nullable; a test that dereferences a missing one fails, which is the point.
#nullable disable warnings
using System.Net;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Rest;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Identity.Accounts;
using Platform.RecordVault.Data;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// FHIR Bulk Data Access 2.0, patient level (<c>Patient/{id}/$export</c>), over real HTTP against the vault with the
/// HSM, PostgreSQL, the consent service and the ledger behind it: the async request pattern (202 and
/// Content-Location, status 202 then 200 with the manifest, DELETE), NDJSON files that parse strictly as FHIR R4 and
/// only for the requester's token, <c>_type</c> and <c>_since</c>, every exported resource an audited read, files
/// stored encrypted, jobs that survive a restart, and bad input as OperationOutcome with nothing stored.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class BulkExportTests(VaultPlatform platform)
{
    private static readonly Dictionary<string, string> RespondAsync = new() { ["Prefer"] = "respond-async" };

    [Fact]
    public async Task Export_of_the_patients_own_records_runs_async_and_serves_ndjson_files_to_the_requester_only()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var client = FhirApi.Client(platform, token);
        var marker = "export-marker-" + Guid.NewGuid().ToString("N");
        var observations = new[]
        {
            (await client.CreateAsync(FhirApi.Observation(patient.Id, marker + "-a")))!.Id,
            (await client.CreateAsync(FhirApi.Observation(patient.Id, marker + "-b")))!.Id,
        };
        var condition = (await client.CreateAsync(FhirApi.Condition(patient.Id, marker + "-c")))!.Id;

        var kickOff = $"{FhirApi.Base}/Patient/{patient.Id}/$export";
        var (status, _, raw) = await platform.VaultAsync(HttpMethod.Get, kickOff, token, headers: RespondAsync);
        Assert.Equal(HttpStatusCode.Accepted, status);
        var statusUrl = raw.Content.Headers.ContentLocation ?? raw.Headers.GetValues("Content-Location").Select(v => new Uri(v)).Single();
        Assert.True(statusUrl.IsAbsoluteUri);

        var manifest = await CompletedManifestAsync(statusUrl, token);
        Assert.True(DateTimeOffset.TryParse(manifest.GetProperty("transactionTime").GetString(), out var transactionTime));
        Assert.True(transactionTime <= DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(new Uri(platform.Vault.Client.BaseAddress!, kickOff).AbsoluteUri, manifest.GetProperty("request").GetString());
        Assert.True(manifest.GetProperty("requiresAccessToken").GetBoolean());
        Assert.Equal(0, manifest.GetProperty("error").GetArrayLength());
        var output = manifest.GetProperty("output").EnumerateArray()
            .ToDictionary(o => o.GetProperty("type").GetString()!, o => (Url: o.GetProperty("url").GetString()!, Count: o.GetProperty("count").GetInt32()));
        Assert.Equal(["Condition", "Observation"], output.Keys.Order());
        Assert.Equal((1, 2), (output["Condition"].Count, output["Observation"].Count));

        // Each file is NDJSON: one strictly valid FHIR R4 resource per line, with the server's id and meta.
        var observationLines = await DownloadAsync(output["Observation"].Url, token);
        var exported = observationLines.Select(FhirApi.Valid<R4.Observation>).ToList();
        Assert.Equal(observations.Order(), exported.Select(o => o.Id).Order());
        Assert.All(exported, o => Assert.Equal("1", o.Meta.VersionId));
        Assert.Equal(condition, FhirApi.Valid<R4.Condition>(Assert.Single(await DownloadAsync(output["Condition"].Url, token))).Id);

        // Only the requester's token: another patient gets 404 for the status and the files, as for a random id.
        var (_, otherToken) = await platform.UserAsync(PlatformRoles.Patient);
        foreach (var url in new[] { statusUrl.AbsoluteUri, output["Observation"].Url })
        {
            var (otherStatus, otherBody, otherRaw) = await platform.VaultAsync(HttpMethod.Get, url, otherToken);
            AssertOutcome(HttpStatusCode.NotFound, otherStatus, otherBody, otherRaw, null);
        }
        var (anonymous, _, _) = await SendAnonymousAsync(output["Observation"].Url);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);

        using var scope = platform.Vault.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        // Every exported resource was an audited read by the patient (as GET /records/{id} is).
        foreach (var id in observations.Append(condition))
        {
            Assert.Contains(await db.AccessLog.AsNoTracking().Where(a => a.RecordId == Guid.Parse(id)).ToListAsync(),
                a => a.Action == "read" && a.Outcome == "permit" && a.Actor == patient.Id);
        }
        // The files are stored encrypted: the content's words are nowhere in the stored bytes.
        var jobId = Guid.Parse(statusUrl.Segments[^1]);
        var stored = await db.ExportFiles.AsNoTracking().Where(f => f.JobId == jobId).ToListAsync();
        Assert.Equal(2, stored.Count);
        Assert.All(stored, f =>
        {
            Assert.DoesNotContain(marker, Encoding.UTF8.GetString(f.Ciphertext), StringComparison.Ordinal);
            Assert.NotEmpty(f.WrappedKey);
        });
    }

    [Fact]
    public async Task Export_is_named_in_the_capability_statement()
    {
        var statement = await FhirApi.Client(platform, null).CapabilityStatementAsync();
        var operation = Assert.Single(statement!.Rest[0].Operation);
        Assert.Equal(("export", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export"), (operation.Name, operation.Definition));
    }

    [Fact]
    public async Task Export_filters_on_type_and_since()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var client = FhirApi.Client(platform, token);
        var early = (await client.CreateAsync(FhirApi.Observation(patient.Id, "early")))!;
        await client.CreateAsync(FhirApi.Condition(patient.Id, "a condition"));
        await Task.Delay(20);
        var since = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        var late = (await client.CreateAsync(FhirApi.Observation(patient.Id, "late")))!;

        var onlyObservations = await ExportAsync(patient.Id, token, "?_type=Observation");
        var observationFile = Assert.Single(onlyObservations.GetProperty("output").EnumerateArray());
        Assert.Equal("Observation", observationFile.GetProperty("type").GetString());
        Assert.Equal(new[] { early.Id, late.Id }.Order(), (await DownloadAsync(observationFile.GetProperty("url").GetString()!, token))
            .Select(l => FhirApi.Valid<R4.Observation>(l).Id).Order());

        var sinceText = Uri.EscapeDataString(since.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture));
        var recent = await ExportAsync(patient.Id, token, $"?_since={sinceText}");
        var recentFile = Assert.Single(recent.GetProperty("output").EnumerateArray());
        Assert.Equal(1, recentFile.GetProperty("count").GetInt32());
        Assert.Equal(late.Id, FhirApi.Valid<R4.Observation>(Assert.Single(await DownloadAsync(recentFile.GetProperty("url").GetString()!, token))).Id);

        // Nothing after a future instant: a manifest with no files.
        var none = await ExportAsync(patient.Id, token, "?_since=2100-01-01T00:00:00Z&_outputFormat=application/fhir%2Bndjson");
        Assert.Equal(0, none.GetProperty("output").GetArrayLength());
    }

    [Fact]
    public async Task Export_bad_input_and_other_callers_get_an_operation_outcome_and_nothing_is_stored()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var (_, clinicianToken) = await platform.UserAsync(PlatformRoles.Clinician);
        var (other, _) = await platform.UserAsync(PlatformRoles.Patient);
        var kickOff = $"{FhirApi.Base}/Patient/{patient.Id}/$export";
        var cases = new (string Path, string Token, bool Prefer, HttpStatusCode Status, string Code)[]
        {
            (kickOff, token, false, HttpStatusCode.BadRequest, "respond_async_required"),
            (kickOff + "?_type=Patient", token, true, HttpStatusCode.BadRequest, "unsupported_export_type"),
            (kickOff + "?_type=Observation,Nonsense", token, true, HttpStatusCode.BadRequest, "unsupported_export_type"),
            (kickOff + "?_since=2026-01-01", token, true, HttpStatusCode.BadRequest, "invalid_export_parameter"),
            (kickOff + "?_since=yesterday", token, true, HttpStatusCode.BadRequest, "invalid_export_parameter"),
            (kickOff + "?_since=2026-01-01T10:00:00", token, true, HttpStatusCode.BadRequest, "invalid_export_parameter"),
            (kickOff + "?_outputFormat=application/fhir%2Bjson", token, true, HttpStatusCode.BadRequest, "invalid_export_parameter"),
            (kickOff + "?_typeFilter=Observation%3Fcode%3D1", token, true, HttpStatusCode.BadRequest, "unsupported_export_parameter"),
            (kickOff + "?" + string.Join("&", Enumerable.Repeat("_type=Observation", 200)), token, true, HttpStatusCode.BadRequest, "invalid_export_parameter"),
            ($"{FhirApi.Base}/Patient/{other.Id}/$export", token, true, HttpStatusCode.Forbidden, "export_own_data_only"),
            (kickOff, clinicianToken, true, HttpStatusCode.Forbidden, "export_own_data_only"),
            ($"{FhirApi.Base}/bulk-export/{Guid.NewGuid()}", token, true, HttpStatusCode.NotFound, null),
            ($"{FhirApi.Base}/bulk-export/not-a-job", token, true, HttpStatusCode.NotFound, null),
        };
        foreach (var (path, caller, prefer, expected, code) in cases)
        {
            var (status, body, raw) = await platform.VaultAsync(HttpMethod.Get, path, caller, headers: prefer ? RespondAsync : null);
            AssertOutcome(expected, status, body, raw, code, path);
        }
        var (anonymous, anonymousBody, anonymousRaw) = await SendAnonymousAsync(kickOff, RespondAsync);
        AssertOutcome(HttpStatusCode.Unauthorized, anonymous, anonymousBody, anonymousRaw, null);

        using var scope = platform.Vault.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        Assert.False(await db.ExportJobs.AnyAsync(j => j.Patient == patient.Id || j.Patient == other.Id));
    }

    [Fact]
    public async Task Delete_cancels_an_export_and_removes_its_files()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        await FhirApi.Client(platform, token).CreateAsync(FhirApi.Observation(patient.Id, "to be cancelled"));
        var (_, _, raw) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/Patient/{patient.Id}/$export", token, headers: RespondAsync);
        var statusUrl = raw.Content.Headers.ContentLocation!;
        var manifest = await CompletedManifestAsync(statusUrl, token);
        var fileUrl = manifest.GetProperty("output")[0].GetProperty("url").GetString()!;

        var (_, otherToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (otherDelete, _, _) = await platform.VaultAsync(HttpMethod.Delete, statusUrl.AbsoluteUri, otherToken);
        Assert.Equal(HttpStatusCode.NotFound, otherDelete);

        var (deleted, _, _) = await platform.VaultAsync(HttpMethod.Delete, statusUrl.AbsoluteUri, token);
        Assert.Equal(HttpStatusCode.Accepted, deleted);
        var (afterStatus, _, _) = await platform.VaultAsync(HttpMethod.Get, statusUrl.AbsoluteUri, token);
        Assert.Equal(HttpStatusCode.NotFound, afterStatus);
        var (afterFile, _, _) = await platform.VaultAsync(HttpMethod.Get, fileUrl, token);
        Assert.Equal(HttpStatusCode.NotFound, afterFile);
        using var scope = platform.Vault.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        var jobId = Guid.Parse(statusUrl.Segments[^1]);
        Assert.False(await db.ExportFiles.AnyAsync(f => f.JobId == jobId));
    }

    [Fact]
    public async Task Export_jobs_survive_a_restart_and_a_job_whose_worker_stopped_is_taken_up_again()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var created = (await FhirApi.Client(platform, token).CreateAsync(FhirApi.Observation(patient.Id, "survives")))!.Id;

        // A job a stopped worker left running (its lease ran out): the live worker takes it over and finishes it.
        var orphan = Guid.NewGuid();
        using (var scope = platform.Vault.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            db.ExportJobs.Add(new ExportJobRow
            {
                Id = orphan, Requester = patient.Id, Patient = patient.Id, Types = "Observation",
                Request = $"{platform.Vault.Client.BaseAddress}fhir/r4/Patient/{patient.Id}/$export",
                Status = ExportJobRow.Running, LeaseOwner = Guid.NewGuid(), LeaseUntilMs = now - 1,
                CreatedAtMs = now, ExpiresAtMs = now + 3_600_000,
            });
            await db.SaveChangesAsync();
        }
        var statusUrl = new Uri(platform.Vault.Client.BaseAddress!, $"{FhirApi.Base}/bulk-export/{orphan:D}");
        var taken = await CompletedManifestAsync(statusUrl, token);
        Assert.Equal(1, taken.GetProperty("output")[0].GetProperty("count").GetInt32());

        // A job started before a restart answers after it, and its file (encrypted under the HSM's key) still opens.
        var (_, _, raw) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/Patient/{patient.Id}/$export", token, headers: RespondAsync);
        var beforeRestart = raw.Content.Headers.ContentLocation!;
        await platform.RestartVaultAsync();
        var manifest = await CompletedManifestAsync(beforeRestart, token);
        var line = Assert.Single(await DownloadAsync(manifest.GetProperty("output")[0].GetProperty("url").GetString()!, token));
        Assert.Equal(created, FhirApi.Valid<R4.Observation>(line).Id);
    }

    private async Task<JsonElement> ExportAsync(string patient, string token, string query)
    {
        var (status, body, raw) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/Patient/{patient}/$export{query}", token, headers: RespondAsync);
        Assert.True(status == HttpStatusCode.Accepted, $"{status}: {body}");
        return await CompletedManifestAsync(raw.Content.Headers.ContentLocation!, token);
    }

    /// <summary>Polls the status URL as a client would (honouring 202's Retry-After and X-Progress) until the manifest.</summary>
    [Fact]
    public async Task Exported_DocumentReferences_point_at_their_attachment_by_an_absolute_url_the_same_token_downloads()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var client = FhirApi.Client(platform, token);
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n% exported letter\n%%EOF\n");
        var binary = await client.CreateAsync(new R4.Binary { ContentType = "application/pdf", Data = pdf, SecurityContext = new R4.ResourceReference("Patient/" + patient.Id) });
        await client.CreateAsync(new R4.DocumentReference
        {
            Status = R4.DocumentReferenceStatus.Current,
            Subject = new R4.ResourceReference("Patient/" + patient.Id),
            Content = [new R4.DocumentReference.ContentComponent { Attachment = new R4.Attachment { ContentType = "application/pdf", Url = $"Binary/{binary.Id}" } }],
        });

        var (status, _, raw) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/Patient/{patient.Id}/$export?_type=DocumentReference", token, headers: RespondAsync);
        Assert.Equal(HttpStatusCode.Accepted, status);
        var manifest = await CompletedManifestAsync(raw.Content.Headers.ContentLocation ?? raw.Headers.GetValues("Content-Location").Select(v => new Uri(v)).Single(), token);
        Assert.True(manifest.GetProperty("requiresAccessToken").GetBoolean());
        var file = manifest.GetProperty("output").EnumerateArray().Single();
        var document = FhirApi.Valid<R4.DocumentReference>(Assert.Single(await DownloadAsync(file.GetProperty("url").GetString()!, token)));

        // Bulk Data: an Attachment.url in an export is absolute and needs no credentials beyond the access token.
        var url = document.Content.Single().Attachment.Url;
        Assert.Equal(new Uri(platform.Vault.Client.BaseAddress!, $"{FhirApi.Base}/Binary/{binary.Id}").AbsoluteUri, url);
        var (downloaded, _, bytes) = await platform.VaultAsync(HttpMethod.Get, url, token);
        Assert.Equal(HttpStatusCode.OK, downloaded);
        Assert.Equal("application/pdf", bytes.Content.Headers.ContentType?.MediaType);
        Assert.Equal(pdf, await bytes.Content.ReadAsByteArrayAsync());
        var (anonymous, _, _) = await SendAnonymousAsync(url);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
    }

    private async Task<JsonElement> CompletedManifestAsync(Uri statusUrl, string token)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var (status, body, raw) = await platform.VaultAsync(HttpMethod.Get, statusUrl.AbsoluteUri, token);
            if (status == HttpStatusCode.OK)
            {
                Assert.Equal("application/json", raw.Content.Headers.ContentType?.MediaType);
                Assert.NotNull(raw.Content.Headers.Expires);
                return body;
            }
            Assert.Equal(HttpStatusCode.Accepted, status);
            Assert.NotNull(raw.Headers.RetryAfter?.Delta);
            Assert.False(string.IsNullOrEmpty(raw.Headers.GetValues("X-Progress").Single()));
            Assert.True(DateTime.UtcNow < deadline, "The export did not complete within a minute.");
            await Task.Delay(200);
        }
    }

    private async Task<List<string>> DownloadAsync(string url, string token)
    {
        var (status, _, raw) = await platform.VaultAsync(HttpMethod.Get, url, token, headers: new Dictionary<string, string> { ["Accept"] = "application/fhir+ndjson" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("application/fhir+ndjson", raw.Content.Headers.ContentType?.MediaType);
        var text = await raw.Content.ReadAsStringAsync();
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    private async Task<(HttpStatusCode, JsonElement, HttpResponseMessage)> SendAnonymousAsync(string url, IDictionary<string, string> headers = null)
    {
        using var anonymous = new HttpClient { BaseAddress = platform.Vault.Client.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }
        var response = await anonymous.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default, response);
    }

    private static void AssertOutcome(HttpStatusCode expected, HttpStatusCode status, JsonElement body, HttpResponseMessage raw, string code, string context = "")
    {
        Assert.True(expected == status, $"{context}: expected {expected}, got {status} {body}");
        Assert.Equal("application/fhir+json", raw.Content.Headers.ContentType?.MediaType);
        var outcome = FhirApi.Valid<R4.OperationOutcome>(body.GetRawText());
        if (code is not null)
        {
            Assert.Equal(code, outcome.Issue[0].Details.Coding.Single().Code);
        }
    }
}
