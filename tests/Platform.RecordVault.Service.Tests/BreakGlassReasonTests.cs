using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Identity.Accounts;
using Platform.RecordVault.Data;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// A break-glass read states its reason (<c>X-Break-Glass-Reason</c>): without one, or with one too long or out of
/// place, the read is refused with problem+json before anything is read or audited; with one, the reason is stored
/// encrypted with the access-log entry, shown to the patient and to the clinician who gave it, and found neither in
/// the signed event, the outbox, the ledger nor the vault's logs.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class BreakGlassReasonTests(VaultPlatform platform)
{
    private const string Reason = "Found unresponsive at home, allergy list needed before sedation";

    private static StringContent Observation(string text) =>
        new("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"" + text + "\"}}", Encoding.UTF8, "application/fhir+json");

    private static Dictionary<string, string> Emergency(string? reason) => reason is null
        ? new() { ["X-Purpose-Of-Use"] = "ETREAT", ["X-Break-Glass"] = "true" }
        : new() { ["X-Purpose-Of-Use"] = "ETREAT", ["X-Break-Glass"] = "true", ["X-Break-Glass-Reason"] = reason };

    [Fact]
    public async Task A_break_glass_read_without_a_reason_or_with_a_bad_one_is_refused_before_anything_is_audited()
    {
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (clinician, clinicianToken) = await platform.UserAsync(PlatformRoles.Clinician);
        var (_, record, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", patientToken, Observation("bg-refused"));
        var id = record.GetProperty("id").GetString()!;

        var cases = new (Dictionary<string, string> Headers, string Code)[]
        {
            (Emergency(null), "break_glass_reason_required"),
            (Emergency("   "), "break_glass_reason_required"),
            (Emergency("urgent"), "break_glass_reason_required"),
            (Emergency(new string('x', 501)), "break_glass_reason_too_long"),
            (Emergency("Bad byte %FF in the reason text"), "malformed_break_glass_reason"),
            (new() { ["X-Break-Glass-Reason"] = Reason }, "break_glass_reason_without_break_glass"),
        };
        foreach (var (headers, code) in cases)
        {
            var (status, problem, raw) = await platform.VaultAsync(HttpMethod.Get, $"/records/{id}", clinicianToken, headers: headers);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
            Assert.Equal("application/problem+json", raw.Content.Headers.ContentType?.MediaType);
            Assert.Equal(code, problem.GetProperty("code").GetString());
        }
        // The same missing record answers 422 too: the reason is checked before the record is looked up.
        var (missing, missingProblem, _) = await platform.VaultAsync(HttpMethod.Get, $"/records/{Guid.NewGuid()}", clinicianToken, headers: Emergency(null));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "break_glass_reason_required"), (missing, missingProblem.GetProperty("code").GetString()));

        using var scope = platform.Vault.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        Assert.False(await db.AccessLog.AnyAsync(a => a.Actor == clinician.Id), "a refused break-glass request left an access-log entry");
    }

    [Fact]
    public async Task The_reason_is_stored_encrypted_shown_to_the_patient_and_the_clinician_and_never_on_the_ledger_or_in_logs()
    {
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (clinician, clinicianToken) = await platform.UserAsync(PlatformRoles.Clinician);
        var (_, record, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", patientToken, Observation("bg-stored"));
        var id = record.GetProperty("id").GetString()!;

        var (read, _, content) = await platform.VaultAsync(HttpMethod.Get, $"/records/{id}", clinicianToken, headers: Emergency(Uri.EscapeDataString(Reason)));
        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Contains("bg-stored", await content.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The patient reads the reason with the break-glass entry; the clinician reads their own.
        var (_, log, _) = await platform.VaultAsync(HttpMethod.Get, $"/patients/{patient.Id}/access-log", patientToken);
        var entry = Assert.Single(log.EnumerateArray(), e => e.GetProperty("actor").GetString() == clinician.Id);
        Assert.Equal("break-glass", entry.GetProperty("outcome").GetString());
        Assert.Equal(Reason, entry.GetProperty("breakGlassReason").GetString());
        var (_, mine, _) = await platform.VaultAsync(HttpMethod.Get, "/access-log/mine", clinicianToken);
        Assert.Equal(Reason, Assert.Single(mine.EnumerateArray()).GetProperty("breakGlassReason").GetString());
        // An ordinary read of the patient's own carries none.
        Assert.All(log.EnumerateArray().Where(e => e.GetProperty("actor").GetString() == patient.Id),
            e => Assert.Equal(JsonValueKind.Null, e.GetProperty("breakGlassReason").ValueKind));

        using var scope = platform.Vault.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        var row = await db.AccessLog.AsNoTracking().SingleAsync(a => a.Actor == clinician.Id);
        Assert.NotNull(row.ProtectedBreakGlassReason);
        Assert.DoesNotContain("unresponsive", row.ProtectedBreakGlassReason, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("unresponsive", row.SignedEvent + row.Reason, StringComparison.OrdinalIgnoreCase);
        var outbox = await db.Set<Platform.Messaging.Outbox.OutboxMessage>().AsNoTracking().Select(m => m.Payload).ToListAsync();
        Assert.DoesNotContain(outbox, p => Encoding.UTF8.GetString(p).Contains("unresponsive", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(platform.VaultLogs.Lines, l => l.Contains("unresponsive", StringComparison.OrdinalIgnoreCase));
        Assert.NotEmpty(platform.VaultLogs.Lines); // the capture works
    }
}
