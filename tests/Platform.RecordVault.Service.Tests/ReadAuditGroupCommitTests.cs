using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Identity.Accounts;
using Platform.Messaging.Outbox;
using Platform.RecordVault.Data;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// Reads' audits are group-committed (AccessAuditWriter, issue #18): many reads share one transaction, and still an
/// answered read is always audited, with its access-log row and its outbox message, and a read whose audit cannot be
/// committed is not answered, without failing the reads committed beside it.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class ReadAuditGroupCommitTests(VaultPlatform platform)
{
    private static StringContent Observation(string marker) => new(
        "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}],"
        + "\"text\":\"" + marker + "\"},\"valueQuantity\":{\"value\":72,\"unit\":\"beats/minute\"}}",
        Encoding.UTF8, "application/fhir+json");

    [Fact]
    public async Task Every_answered_concurrent_read_has_its_signed_access_log_row_and_outbox_message()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var marker = "GROUP-" + Guid.NewGuid().ToString("N");
        var (_, record, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", token, Observation(marker));
        var id = Guid.Parse(record.GetProperty("id").GetString()!);

        const int reads = 48;
        var answers = await Task.WhenAll(Enumerable.Range(0, reads).Select(_ => platform.VaultAsync(HttpMethod.Get, $"/records/{id}", token)));
        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.Status));

        using var scope = platform.Vault.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        // Already there when the answers came: no waiting, a read answers only after its audit is durable.
        var rows = await db.AccessLog.AsNoTracking().Where(a => a.RecordId == id && a.Action == "read").ToListAsync();
        Assert.Equal(reads, rows.Count);
        Assert.All(rows, row => Assert.Equal("permit", row.Outcome));
        Assert.Equal(reads, rows.Select(r => r.SignedEvent).Distinct().Count());
        var outbox = (await db.Set<OutboxMessage>().AsNoTracking().Select(m => m.Payload).ToListAsync())
            .Select(Encoding.UTF8.GetString).Where(p => rows.Any(r => p.Contains(r.SignedEvent, StringComparison.Ordinal))).ToList();
        Assert.Equal(reads, outbox.Count);
    }

    [Fact]
    public async Task A_read_whose_audit_cannot_be_committed_is_not_answered_and_the_reads_beside_it_are()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var blockedMarker = "BLOCKED-" + Guid.NewGuid().ToString("N");
        var (_, blockedRecord, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", token, Observation(blockedMarker));
        var (_, fineRecord, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", token, Observation("FINE"));
        var blocked = Guid.Parse(blockedRecord.GetProperty("id").GetString()!);
        var fine = Guid.Parse(fineRecord.GetProperty("id").GetString()!);

        // The database itself refuses this one record's access-log rows: a real failed commit, nothing stubbed.
        var constraint = "block_" + blocked.ToString("N");
        await ExecuteAsync($"ALTER TABLE \"AccessLog\" ADD CONSTRAINT {constraint} CHECK (\"RecordId\" <> '{blocked}') NOT VALID");
        try
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 12)
                .Select(i => platform.VaultAsync(HttpMethod.Get, $"/records/{(i == 5 ? blocked : fine)}", token)));
            var refused = answers[5];
            Assert.Equal(HttpStatusCode.InternalServerError, refused.Status);
            Assert.DoesNotContain(blockedMarker, await refused.Raw.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.All(answers.Where((_, i) => i != 5), answer => Assert.Equal(HttpStatusCode.OK, answer.Status));

            using var scope = platform.Vault.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
            Assert.False(await db.AccessLog.AnyAsync(a => a.RecordId == blocked && a.Action == "read"));
            Assert.Equal(11, await db.AccessLog.CountAsync(a => a.RecordId == fine && a.Action == "read"));
        }
        finally
        {
            await ExecuteAsync($"ALTER TABLE \"AccessLog\" DROP CONSTRAINT {constraint}");
        }

        var (again, _, raw) = await platform.VaultAsync(HttpMethod.Get, $"/records/{blocked}", token);
        Assert.Equal(HttpStatusCode.OK, again);
        Assert.Contains(blockedMarker, await raw.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(platform.VaultConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
