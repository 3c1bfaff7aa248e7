using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Consent.Consents;
using Platform.Consent.Core;
using Platform.Consent.Decisions;
using Platform.Contracts.Decisions;
using Platform.Messaging.InProcess;
using Platform.Testing;

namespace Platform.Consent.Service.Tests;

/// <summary><c>Consent:Decisions:CacheEntries</c>: out-of-range values stop the service at start; 0 turns the cache off.</summary>
public sealed class DecisionCacheSettingsTests
{
    [Theory]
    [InlineData("-1")]
    [InlineData("1000001")]
    public async Task A_size_out_of_range_stops_the_service_at_start_and_names_the_setting(string entries)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(entries));
        Assert.Contains("Consent:Decisions:CacheEntries", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_size_of_zero_reads_every_decision_from_the_database()
    {
        await using var consent = await StartAsync("0");
        var patient = "pt" + Guid.NewGuid().ToString("N");
        var clinician = "clin" + Guid.NewGuid().ToString("N");
        await using (var scope = consent.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ConsentCommands>().GrantAsync(patient, new Grantee(GranteeKind.Practitioner, clinician),
                ["observation"], ["TREAT"], null, null, new ChangeAuthor(patient), CancellationToken.None);
        }
        for (var i = 0; i < 3; i++)
        {
            await using var scope = consent.Services.CreateAsyncScope();
            var answer = await scope.ServiceProvider.GetRequiredService<DecisionService>().DecideAsync(
                new DecisionBody(patient, clinician, "practitioner", "observation", "TREAT"), subject: null, CancellationToken.None);
            Assert.Equal(DecisionOutcomes.Permit, answer.Decision);
        }
        var cache = consent.Services.GetRequiredService<DecisionConsentCache>();
        Assert.False(cache.Enabled);
        Assert.False(cache.TryGet(patient, clinician, cache.Epoch, out _));
    }

    private static Task<ServiceUnderTest> StartAsync(string entries) => ServiceUnderTest.StartAsync(ConsentService.Build, new Dictionary<string, string?>
    {
        ["Keys:Provider"] = "Software",
        ["Authentication:Authority"] = "http://127.0.0.1:9/",
        ["Authentication:RequireHttpsMetadata"] = "false",
        ["Consent:Decisions:CacheEntries"] = entries,
    }, builder => builder.Services.AddSingleton(new InProcessBroker(new InProcessBrokerOptions())));
}
