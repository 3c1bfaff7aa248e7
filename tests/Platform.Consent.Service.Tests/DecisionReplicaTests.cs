using Microsoft.Extensions.DependencyInjection;
using Platform.Consent.Consents;
using Platform.Consent.Decisions;
using Platform.Contracts.Decisions;
using Platform.Testing;

namespace Platform.Consent.Service.Tests;

/// <summary>
/// Two consent replicas on one PostgreSQL database, as the chart deploys them: a revoke committed through one is in
/// force for the other's very next decision. There the decision cache is not used (no replica can learn cheaply that
/// another committed), so every decision reads the database.
/// </summary>
public sealed class DecisionReplicaTests : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();
    private ServiceUnderTest _first = null!;
    private ServiceUnderTest _second = null!;

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        var database = await _postgres.CreateDatabaseAsync("consent");
        // One after the other: the first applies the migrations.
        _first = await StartReplicaAsync(database);
        _second = await StartReplicaAsync(database);
    }

    [Fact]
    public async Task A_revoke_through_one_replica_denies_the_next_decision_on_the_other()
    {
        var patient = "pt" + Guid.NewGuid().ToString("N");
        var clinician = "clin" + Guid.NewGuid().ToString("N");
        var granted = await InProcessConsent.GrantAsync(_first, patient, clinician);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(DecisionOutcomes.Permit, (await InProcessConsent.DecideAsync(_second, patient, clinician)).Decision);
        }
        await using (var scope = _first.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ConsentCommands>().RevokeAsync(granted.Id, null, new ChangeAuthor(patient), _ => true, CancellationToken.None);
        }
        var after = await InProcessConsent.DecideAsync(_second, patient, clinician);
        Assert.Equal(DecisionOutcomes.Deny, after.Decision);
        Assert.Equal("revoked", after.Reason);
        var cache = _second.Services.GetRequiredService<DecisionConsentCache>();
        Assert.True(cache.Enabled);
        Assert.False(cache.TryGet(patient, clinician, cache.Epoch, out _), "a replica on PostgreSQL kept what it read");
    }

    private static Task<ServiceUnderTest> StartReplicaAsync(string database) => InProcessConsent.StartAsync(new Dictionary<string, string?>
    {
        ["Database:Provider"] = "Postgres",
        ["ConnectionStrings:consent"] = database,
    });

    public async Task DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
        await _postgres.DisposeAsync();
    }
}
