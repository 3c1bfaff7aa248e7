using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Identity.Accounts;
using Platform.RecordVault.Data;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// Read, write and erase are separate permissions: a read consent or break-glass never writes or erases, a write
/// needs a consent granting <c>correct</c>, only the patient erases (and an admin through the audited procedure), and
/// every refusal is in the access log. Also: the category comes from the FHIR content, never from <c>?category=</c>.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class VaultPermissionTests(VaultPlatform platform)
{
    private static readonly Dictionary<string, string> BreakGlass = new() { ["X-Purpose-Of-Use"] = "ETREAT", ["X-Break-Glass"] = "true", ["X-Break-Glass-Reason"] = "Collapsed in clinic, no consent possible" };

    private static StringContent Observation(string text, string? securityLabel = null) => new(
        "{\"resourceType\":\"Observation\","
        + (securityLabel is null ? "" : "\"meta\":{\"security\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"" + securityLabel + "\"}]},")
        + "\"status\":\"final\",\"code\":{\"text\":\"" + text + "\"}}",
        Encoding.UTF8, "application/fhir+json");

    private static StringContent Condition(string text) =>
        new("{\"resourceType\":\"Condition\",\"subject\":{\"display\":\"x\"},\"code\":{\"text\":\"" + text + "\"}}", Encoding.UTF8, "application/fhir+json");

    [Fact]
    public async Task A_read_consent_or_break_glass_never_creates_overwrites_or_erases_and_every_refusal_is_audited()
    {
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (clinician, clinicianToken) = await platform.UserAsync(PlatformRoles.Clinician);
        var (_, record, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", patientToken, Observation("original"));
        var id = record.GetProperty("id").GetString()!;
        await GrantAsync(patientToken, clinician.Id, ["observation"], ["TREAT", "ETREAT"], null);
        Assert.Equal(HttpStatusCode.OK, (await platform.VaultAsync(HttpMethod.Get, $"/records/{id}", clinicianToken)).Status);

        foreach (var headers in new[] { new Dictionary<string, string>(), BreakGlass })
        {
            var (create, createProblem, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", clinicianToken, Observation("forged"), headers);
            var (overwrite, overwriteProblem, _) = await platform.VaultAsync(HttpMethod.Put, $"/records/{id}", clinicianToken, Observation("overwritten"), headers);
            var (erase, eraseProblem, _) = await platform.VaultAsync(HttpMethod.Delete, $"/records/{id}", clinicianToken, headers: headers);

            var expectedWrite = headers.Count == 0 ? "action_not_covered" : "break_glass_read_only";
            Assert.Equal((HttpStatusCode.Forbidden, expectedWrite), (create, createProblem.GetProperty("code").GetString()));
            // On an existing record a refusal is answered as a missing record (finding 12); the reason is in the access log.
            Assert.Equal((HttpStatusCode.NotFound, "not_found"), (overwrite, overwriteProblem.GetProperty("code").GetString()));
            Assert.Equal((HttpStatusCode.NotFound, "not_found"), (erase, eraseProblem.GetProperty("code").GetString()));
        }
        // Break-glass still reads.
        Assert.Equal(HttpStatusCode.OK, (await platform.VaultAsync(HttpMethod.Get, $"/records/{id}", clinicianToken, headers: BreakGlass)).Status);

        // Nothing changed: one record, still version 1, not erased; its content is the patient's.
        var (_, list, _) = await platform.VaultAsync(HttpMethod.Get, $"/patients/{patient.Id}/records", patientToken);
        var only = Assert.Single(list.EnumerateArray());
        Assert.Equal(1, only.GetProperty("version").GetInt32());
        var (_, _, read) = await platform.VaultAsync(HttpMethod.Get, $"/records/{id}", patientToken);
        Assert.Contains("original", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Every refusal is in the access log: two creates and two overwrites (write) and two erasures (delete).
        using var scope = platform.Vault.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        var refusals = await db.AccessLog.AsNoTracking().Where(a => a.Patient == patient.Id && a.Actor == clinician.Id && a.Outcome == "deny").ToListAsync();
        Assert.Equal(4, refusals.Count(a => a.Action == "write"));
        Assert.Equal(2, refusals.Count(a => a.Action == "delete" && a.Reason == "erasure_patient_only"));
        Assert.Equal(2, refusals.Count(a => a.Reason == "break_glass_read_only"));
    }

    [Fact]
    public async Task A_write_consent_lets_a_clinician_create_and_add_versions_in_its_categories_but_not_erase()
    {
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (clinician, clinicianToken) = await platform.UserAsync(PlatformRoles.Clinician);
        await GrantAsync(patientToken, clinician.Id, ["observation"], ["TREAT"], ["access", "correct"]);

        var (created, record, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", clinicianToken, Observation("by-the-clinician"));
        Assert.True(created == HttpStatusCode.Created, record.ToString());
        var id = record.GetProperty("id").GetString()!;
        var (updated, version, _) = await platform.VaultAsync(HttpMethod.Put, $"/records/{id}", clinicianToken, Observation("corrected"));
        Assert.True(updated == HttpStatusCode.OK, version.ToString());
        Assert.Equal(2, version.GetProperty("version").GetInt32());
        var (otherCategory, otherProblem, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", clinicianToken, Condition("flu"));
        Assert.Equal((HttpStatusCode.Forbidden, "category_not_covered"), (otherCategory, otherProblem.GetProperty("code").GetString()));

        var (erase, _, _) = await platform.VaultAsync(HttpMethod.Delete, $"/records/{id}", clinicianToken);
        Assert.Equal(HttpStatusCode.NotFound, erase);
        Assert.Equal(HttpStatusCode.NoContent, (await platform.VaultAsync(HttpMethod.Delete, $"/records/{id}", patientToken)).Status);
    }

    [Fact]
    public async Task An_admin_erases_only_with_a_stated_reason_and_the_erasure_is_in_the_patients_access_log()
    {
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (admin, adminToken) = await platform.UserAsync(PlatformRoles.Admin);
        var (_, record, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", patientToken, Observation("erase-on-request"));
        var id = record.GetProperty("id").GetString()!;

        var (noReason, noReasonProblem, raw) = await platform.VaultAsync(HttpMethod.Delete, $"/admin/records/{id}", adminToken);
        Assert.Equal((HttpStatusCode.BadRequest, "audit_reason_required"), (noReason, noReasonProblem.GetProperty("code").GetString()));
        Assert.Equal("application/problem+json", raw.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await platform.VaultAsync(HttpMethod.Get, $"/records/{id}", patientToken)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.VaultAsync(HttpMethod.Delete, $"/admin/records/{id}", patientToken,
            headers: new Dictionary<string, string> { ["X-Audit-Reason"] = "I am not an admin" })).Status);

        var reason = new Dictionary<string, string> { ["X-Audit-Reason"] = "Patient's written erasure request, ticket 4711" };
        Assert.Equal(HttpStatusCode.NoContent, (await platform.VaultAsync(HttpMethod.Delete, $"/admin/records/{id}", adminToken, headers: reason)).Status);
        Assert.Equal(HttpStatusCode.Gone, (await platform.VaultAsync(HttpMethod.Get, $"/records/{id}", patientToken)).Status);
        var (_, log, _) = await platform.VaultAsync(HttpMethod.Get, $"/patients/{patient.Id}/access-log", patientToken);
        var erasure = Assert.Single(log.EnumerateArray(), e => e.GetProperty("action").GetString() == "delete");
        Assert.Equal((admin.Id, "permit", "admin_erasure"),
            (erasure.GetProperty("actor").GetString(), erasure.GetProperty("outcome").GetString(), erasure.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task The_category_comes_from_the_fhir_content_and_a_conflicting_parameter_is_422_with_nothing_stored()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var path = $"/patients/{patient.Id}/records";

        var (conflict, problem, raw) = await platform.VaultAsync(HttpMethod.Post, path + "?category=observation", token, Observation("labelled", "MH"));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "category_conflict"), (conflict, problem.GetProperty("code").GetString()));
        Assert.Equal("application/problem+json", raw.Content.Headers.ContentType?.MediaType);
        var (plain, plainProblem, _) = await platform.VaultAsync(HttpMethod.Post, path + "?category=mental-health", token, Observation("unlabelled"));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "category_conflict"), (plain, plainProblem.GetProperty("code").GetString()));
        var (_, none, _) = await platform.VaultAsync(HttpMethod.Get, path, token);
        Assert.Empty(none.EnumerateArray());

        var (created, record, _) = await platform.VaultAsync(HttpMethod.Post, path + "?category=mental-health", token, Observation("labelled", "MH"));
        Assert.True(created == HttpStatusCode.Created, record.ToString());
        Assert.Equal("mental-health", record.GetProperty("category").GetString());
        var (relabel, relabelProblem, _) = await platform.VaultAsync(HttpMethod.Put, $"/records/{record.GetProperty("id").GetString()}?category=observation", token, Observation("labelled", "MH"));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "category_conflict"), (relabel, relabelProblem.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task An_hl7_sensitivity_label_is_never_dropped_it_maps_to_a_sensitive_category_or_the_record_is_refused()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var path = $"/patients/{patient.Id}/records";

        // Before: stored as an ordinary observation, released under any observation grant.
        var (created, record, _) = await platform.VaultAsync(HttpMethod.Post, path, token, Observation("viral load", "HIV"));
        Assert.True(created == HttpStatusCode.Created, record.ToString());
        Assert.Equal("sexual-health", record.GetProperty("category").GetString());
        var (_, psy, _) = await platform.VaultAsync(HttpMethod.Post, path, token, Observation("assessment", "PSY"));
        Assert.Equal("mental-health", psy.GetProperty("category").GetString());

        foreach (var label in new[] { "TBOO", "SDV", "NO-SUCH-LABEL" })
        {
            var (status, problem, raw) = await platform.VaultAsync(HttpMethod.Post, path, token, Observation("refused", label));
            Assert.Equal((HttpStatusCode.UnprocessableEntity, "unsupported_sensitivity_label"), (status, problem.GetProperty("code").GetString()));
            Assert.Equal("application/problem+json", raw.Content.Headers.ContentType?.MediaType);
            // A new version may not smuggle it in either.
            var (again, againProblem, _) = await platform.VaultAsync(HttpMethod.Put, $"/records/{record.GetProperty("id").GetString()}", token, Observation("refused", label));
            Assert.Equal((HttpStatusCode.UnprocessableEntity, "unsupported_sensitivity_label"), (again, againProblem.GetProperty("code").GetString()));
        }
        var (_, stored, _) = await platform.VaultAsync(HttpMethod.Get, path, token);
        Assert.Equal(2, stored.GetArrayLength());
    }

    [Fact]
    public async Task A_new_version_from_someone_without_write_permission_learns_nothing_about_the_record()
    {
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (_, otherPatientToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (_, clinicianToken) = await platform.UserAsync(PlatformRoles.Clinician);
        var (_, record, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", patientToken, Observation("secret-shape", "MH"));
        var id = record.GetProperty("id").GetString()!;

        // A Condition would change the record's category; the answer must not say what the category is.
        foreach (var (token, expected) in new[] { (otherPatientToken, HttpStatusCode.NotFound), (clinicianToken, HttpStatusCode.NotFound) })
        {
            var (status, problem, _) = await platform.VaultAsync(HttpMethod.Put, $"/records/{id}", token, Condition("probe"));
            Assert.Equal(expected, status);
            Assert.DoesNotContain("mental-health", problem.ToString(), StringComparison.Ordinal);
        }
        // The refusals are audited.
        using var scope = platform.Vault.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        Assert.Equal(2, await db.AccessLog.AsNoTracking().CountAsync(a => a.RecordId == Guid.Parse(id) && a.Outcome == "deny" && a.Action == "write"));
        Assert.Equal(HttpStatusCode.NotFound, (await platform.VaultAsync(HttpMethod.Get, $"/records/{id}?version=7", clinicianToken)).Status);
    }

    [Fact]
    public async Task Another_patient_gets_the_same_answer_for_an_existing_an_erased_and_a_missing_record()
    {
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (_, otherToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (_, live, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", patientToken, Observation("exists"));
        var (_, erased, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", patientToken, Observation("erased"));
        Assert.Equal(HttpStatusCode.NoContent, (await platform.VaultAsync(HttpMethod.Delete, $"/records/{erased.GetProperty("id").GetString()}", patientToken)).Status);
        var ids = new[] { live.GetProperty("id").GetString()!, erased.GetProperty("id").GetString()!, Guid.NewGuid().ToString() };

        foreach (var (method, suffix, content) in new (HttpMethod, string, Func<HttpContent?>)[]
        {
            (HttpMethod.Get, "", () => null), (HttpMethod.Get, "?version=1", () => null), (HttpMethod.Put, "", () => Observation("probe")), (HttpMethod.Delete, "", () => null),
        })
        {
            var answers = new List<string>();
            foreach (var id in ids)
            {
                var (status, problem, raw) = await platform.VaultAsync(method, $"/records/{id}{suffix}", otherToken, content());
                Assert.Equal("application/problem+json", raw.Content.Headers.ContentType?.MediaType);
                answers.Add($"{(int)status} {problem.GetProperty("title").GetString()} {problem.GetProperty("detail").GetString()!.Replace(id, "ID", StringComparison.Ordinal)}");
            }
            Assert.True(answers.Distinct().Count() == 1, $"{method} {suffix}: {string.Join(" | ", answers)}");
            Assert.StartsWith("404 ", answers[0], StringComparison.Ordinal);
        }
        // The patient still learns that their record was erased, and the probes of the live record are in their log.
        Assert.Equal(HttpStatusCode.Gone, (await platform.VaultAsync(HttpMethod.Get, $"/records/{ids[1]}", patientToken)).Status);
        using var scope = platform.Vault.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        Assert.Equal(4, await db.AccessLog.AsNoTracking().CountAsync(a => a.RecordId == Guid.Parse(ids[0]) && a.Outcome == "deny"));
    }

    [Fact]
    public async Task A_clinician_without_permission_gets_the_same_answer_for_existing_erased_missing_records_and_versions_and_the_patient_a_precise_one()
    {
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (clinician, clinicianToken) = await platform.UserAsync(PlatformRoles.Clinician);
        var (_, refused, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", patientToken, Observation("not-covered", "MH"));
        var (_, covered, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", patientToken, Observation("covered"));
        var (_, erased, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", patientToken, Observation("erased"));
        Assert.Equal(HttpStatusCode.NoContent, (await platform.VaultAsync(HttpMethod.Delete, $"/records/{erased.GetProperty("id").GetString()}", patientToken)).Status);
        // A read-only consent for observations: the mental-health record is not covered, the plain one is (but not for writing).
        await GrantAsync(patientToken, clinician.Id, ["observation"], ["TREAT"], null);
        string Id(JsonElement record) => record.GetProperty("id").GetString()!;

        var probes = new (HttpMethod Method, string Path, Func<HttpContent?> Content)[]
        {
            (HttpMethod.Get, $"/records/{Id(refused)}", () => null),
            (HttpMethod.Get, $"/records/{Id(refused)}?version=1", () => null),
            (HttpMethod.Get, $"/records/{Id(refused)}?version=9", () => null),
            (HttpMethod.Put, $"/records/{Id(refused)}", () => Observation("probe", "MH")),
            (HttpMethod.Put, $"/records/{Id(covered)}", () => Observation("probe")),
            (HttpMethod.Delete, $"/records/{Id(covered)}", () => null),
            (HttpMethod.Get, $"/records/{Id(erased)}", () => null),
            (HttpMethod.Get, $"/records/{Id(erased)}?version=1", () => null),
            (HttpMethod.Get, $"/records/{Guid.NewGuid()}", () => null),
            (HttpMethod.Get, $"/records/{Guid.NewGuid()}?version=1", () => null),
            (HttpMethod.Put, $"/records/{Guid.NewGuid()}", () => Observation("probe")),
            (HttpMethod.Delete, $"/records/{Guid.NewGuid()}", () => null),
        };
        var answers = new List<string>();
        foreach (var (method, path, content) in probes)
        {
            var (status, problem, raw) = await platform.VaultAsync(method, path, clinicianToken, content());
            Assert.Equal("application/problem+json", raw.Content.Headers.ContentType?.MediaType);
            var id = path.Split('/', '?')[2];
            // Everything in the body but the trace id, with the id the caller sent replaced.
            var body = string.Join(",", problem.EnumerateObject().Where(p => p.Name != "traceId").Select(p => $"{p.Name}={p.Value}"))
                .Replace(id, "ID", StringComparison.Ordinal);
            answers.Add($"{(int)status} {body}");
        }
        Assert.True(answers.Distinct().Count() == 1, string.Join("\n", answers));
        Assert.StartsWith("404 ", answers[0], StringComparison.Ordinal);

        // Each refusal on an existing record is audited with its real reason: three reads and a write of the
        // uncovered record, a write and an erasure of the covered one.
        using (var scope = platform.Vault.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
            var denials = await db.AccessLog.AsNoTracking().Where(a => a.Patient == patient.Id && a.Actor == clinician.Id && a.Outcome == "deny").ToListAsync();
            Assert.Equal(3, denials.Count(a => a.RecordId == Guid.Parse(Id(refused)) && a.Action == "read" && a.Reason == "category_not_covered"));
            Assert.Equal(1, denials.Count(a => a.RecordId == Guid.Parse(Id(refused)) && a.Action == "write"));
            Assert.Equal(1, denials.Count(a => a.RecordId == Guid.Parse(Id(covered)) && a.Action == "write" && a.Reason == "action_not_covered"));
            Assert.Equal(1, denials.Count(a => a.RecordId == Guid.Parse(Id(covered)) && a.Action == "delete" && a.Reason == "erasure_patient_only"));
        }

        // A permitted caller gets precise answers: the clinician about the covered record's versions, the patient about all.
        var (clinicianVersion, clinicianProblem, _) = await platform.VaultAsync(HttpMethod.Get, $"/records/{Id(covered)}?version=9", clinicianToken);
        Assert.Equal((HttpStatusCode.NotFound, $"Record {Id(covered)} has no version 9."), (clinicianVersion, clinicianProblem.GetProperty("detail").GetString()));
        var (ownVersion, ownProblem, _) = await platform.VaultAsync(HttpMethod.Get, $"/records/{Id(refused)}?version=9", patientToken);
        Assert.Equal((HttpStatusCode.NotFound, $"Record {Id(refused)} has no version 9."), (ownVersion, ownProblem.GetProperty("detail").GetString()));
        var (ownErased, ownErasedProblem, _) = await platform.VaultAsync(HttpMethod.Get, $"/records/{Id(erased)}", patientToken);
        Assert.Equal((HttpStatusCode.Gone, "record_erased"), (ownErased, ownErasedProblem.GetProperty("code").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await platform.VaultAsync(HttpMethod.Get, $"/records/{Id(refused)}?version=1", patientToken)).Status);
    }

    private async Task GrantAsync(string patientToken, string clinician, string[] categories, string[] purposes, string[]? actions)
    {
        var (status, consent, _) = await platform.ConsentAsync(HttpMethod.Post, "/consents", patientToken, new
        {
            grantee = new { kind = "practitioner", id = clinician },
            categories,
            purposes,
            actions,
        });
        Assert.True(status == HttpStatusCode.Created, consent.ToString());
    }
}
