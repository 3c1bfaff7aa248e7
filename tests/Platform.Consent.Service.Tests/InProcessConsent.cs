using Microsoft.Extensions.DependencyInjection;
using Platform.Consent.Consents;
using Platform.Consent.Core;
using Platform.Consent.Decisions;
using Platform.Contracts.Decisions;
using Platform.Messaging.InProcess;
using Platform.Testing;

namespace Platform.Consent.Service.Tests;

/// <summary>
/// A consent service alone, driven in process (its commands and its decision service, no tokens), for tests of how it
/// is configured or deployed rather than of its API.
/// </summary>
internal static class InProcessConsent
{
    /// <param name="settings">Added to (and replacing) the defaults: software keys, an authority nothing asks.</param>
    public static Task<ServiceUnderTest> StartAsync(IReadOnlyDictionary<string, string?> settings) => ServiceUnderTest.StartAsync(ConsentService.Build,
        new Dictionary<string, string?>
        {
            ["Keys:Provider"] = "Software",
            // No token is validated: decisions and commands are called in process.
            ["Authentication:Authority"] = "http://127.0.0.1:9/",
            ["Authentication:RequireHttpsMetadata"] = "false",
        }.Concat(settings).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Last().Value),
        builder => builder.Services.AddSingleton(new InProcessBroker(new InProcessBrokerOptions())));

    /// <summary>The patient grants the practitioner reading observations for treatment.</summary>
    public static async Task<PatientConsent> GrantAsync(ServiceUnderTest consent, string patient, string clinician)
    {
        await using var scope = consent.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ConsentCommands>().GrantAsync(patient, new Grantee(GranteeKind.Practitioner, clinician),
            ["observation"], ["TREAT"], null, null, new ChangeAuthor(patient), CancellationToken.None);
    }

    /// <summary>May the practitioner read the patient's observations for treatment?</summary>
    public static async Task<DecisionResponse> DecideAsync(ServiceUnderTest consent, string patient, string clinician)
    {
        await using var scope = consent.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DecisionService>().DecideAsync(
            new DecisionBody(patient, clinician, "practitioner", "observation", "TREAT"), subject: null, CancellationToken.None);
    }
}
