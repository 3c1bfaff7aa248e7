using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Consent.Decisions;
using Platform.Contracts.Decisions;
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
        await InProcessConsent.GrantAsync(consent, patient, clinician);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(DecisionOutcomes.Permit, (await InProcessConsent.DecideAsync(consent, patient, clinician)).Decision);
        }
        var cache = consent.Services.GetRequiredService<DecisionConsentCache>();
        Assert.False(cache.Enabled);
        Assert.False(cache.TryGet(patient, clinician, cache.Epoch, out _));
    }

    private static Task<ServiceUnderTest> StartAsync(string entries) =>
        InProcessConsent.StartAsync(new Dictionary<string, string?> { ["Consent:Decisions:CacheEntries"] = entries });
}
