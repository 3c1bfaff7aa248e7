using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.Consent.Decisions;

namespace Platform.Consent.Service.Tests;

/// <summary>
/// The decision cache on SQLite (the dev host): what a decision found is used again only until anything is committed,
/// so a revoke that has returned is never followed by a permit — whether it came through the API, from another
/// connection behind the service's back, or while other decisions on the same pair were running.
/// </summary>
public sealed class DecisionCacheTests(ConsentPlatform platform) : IClassFixture<ConsentPlatform>
{
    [Fact]
    public async Task A_revoke_written_behind_the_service_is_seen_by_the_next_decision_though_the_cache_held_the_permit()
    {
        var (patient, token) = await platform.PatientAsync();
        var service = await platform.ServiceTokenAsync();
        var clinician = "clin" + Guid.NewGuid().ToString("N");
        await platform.GrantAsync(token, clinician, ["observation"], ["TREAT"]);
        var cache = platform.Consent.Services.GetRequiredService<DecisionConsentCache>();

        // The grant's ledger receipt and other background writes commit now and then; decide until the permit is held.
        var held = false;
        for (var attempt = 0; attempt < 50 && !held; attempt++)
        {
            Assert.Equal("permit", (await platform.DecideAsync(service, patient.Id, clinician, "observation", "TREAT")).GetProperty("decision").GetString());
            held = cache.TryGet(patient.Id, clinician, cache.Epoch, out var kept) && kept is [{ Status: ConsentStatus.Active }];
        }
        Assert.True(held, "the decision cache never held the permitting consent");

        // Another connection, as an operator's tool or another process would write: not through the service's commands.
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder(ConnectionString()) { Pooling = false }.ToString()))
        {
            await connection.OpenAsync();
            await using var update = connection.CreateCommand();
            update.CommandText = """UPDATE "Consents" SET "Status" = 'revoked' WHERE "Subject" = $subject AND "GranteeId" = $grantee""";
            update.Parameters.AddWithValue("$subject", patient.Id);
            update.Parameters.AddWithValue("$grantee", clinician);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        var after = await platform.DecideAsync(service, patient.Id, clinician, "observation", "TREAT");
        Assert.Equal("deny", after.GetProperty("decision").GetString());
        Assert.Equal("revoked", after.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task While_other_decisions_on_the_same_pair_run_no_permit_follows_a_revoke_that_has_returned()
    {
        var (patient, token) = await platform.PatientAsync();
        var service = await platform.ServiceTokenAsync();
        var clinician = "clin" + Guid.NewGuid().ToString("N");
        var cache = platform.Consent.Services.GetRequiredService<DecisionConsentCache>();
        using var stop = new CancellationTokenSource();
        var others = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var decided = 0;
            while (!stop.IsCancellationRequested)
            {
                await platform.DecideAsync(service, patient.Id, clinician, "observation", "TREAT");
                decided++;
            }
            return decided;
        })).ToArray();

        var roundsHeld = 0;
        for (var round = 0; round < 12; round++)
        {
            var id = await platform.GrantAsync(token, clinician, ["observation"], ["TREAT"]);
            var permitted = false;
            for (var attempt = 0; attempt < 50 && !permitted; attempt++)
            {
                permitted = (await platform.DecideAsync(service, patient.Id, clinician, "observation", "TREAT")).GetProperty("decision").GetString() == "permit";
            }
            Assert.True(permitted, $"round {round}: the grant never permitted");
            if (cache.TryGet(patient.Id, clinician, cache.Epoch, out var kept) && kept.Any(c => c.Status == ConsentStatus.Active))
            {
                roundsHeld++;
            }

            var (revoked, body) = await platform.CallAsync(HttpMethod.Post, $"/consents/{id}/revoke", token, new { });
            Assert.True(revoked == HttpStatusCode.OK, body.ToString());
            var after = await platform.DecideAsync(service, patient.Id, clinician, "observation", "TREAT");
            Assert.True(after.GetProperty("decision").GetString() == "deny", $"round {round}: {after} after the revoke returned");
        }
        await stop.CancelAsync();
        Assert.All(await Task.WhenAll(others), decided => Assert.True(decided > 0));
        Assert.True(roundsHeld > 0, "the cache never held a permitting consent, so nothing was tested");
    }

    private string ConnectionString()
    {
        using var scope = platform.Consent.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<ConsentDbContext>().Database.GetConnectionString()!;
    }
}
