using Microsoft.Extensions.DependencyInjection;
using Platform.Identity.Smart;
using Platform.Identity.Testing;
using Platform.Testing;

namespace Platform.Identity.Tests;

/// <summary>
/// Issue 23 item 2 for the identity → consent client: the SMART patient picker's list comes from the consent service
/// through the resilience pipeline; when the consent service does not answer in time, answers something that is not
/// a list of patients, or fails, the list is empty (the documented "cannot answer"), not an exception that would
/// make the picker a 500. The consent service is a stand-in on loopback; the identity service, its service token
/// and its HTTP client are the real ones.
/// </summary>
public sealed class ConsentedPatientsOutageTests
{
    [Fact]
    public async Task A_silent_malformed_or_failing_consent_service_gives_an_empty_list_and_a_healthy_one_its_patients()
    {
        await using var consent = await ServiceSwitch.AnsweringAsync("""{"patients":["patient-1","patient-2"]}""", """{"patients":"patient-1"}""");
        var identityUrl = $"http://127.0.0.1:{FreePort.Next()}";
        await using var identity = await IdentityServer.StartAsync(new Dictionary<string, string?>
        {
            ["Urls"] = identityUrl,
            ["Identity:Smart:ConsentUrl"] = consent.Address.AbsoluteUri,
            ["Identity:Smart:ConsentTimeout"] = "00:00:03",
            ["Identity:Smart:ConsentAttemptTimeout"] = "00:00:01",
            ["ServiceClient:Authority"] = identityUrl + "/",
            ["ServiceClient:ClientId"] = IdentityServer.ServiceClient,
            ["ServiceClient:ClientSecret"] = IdentityServer.ServiceSecret,
        });

        Assert.Equal(["patient-1", "patient-2"], await ListAsync(identity));
        foreach (var mode in new[] { ServiceSwitchMode.Silent, ServiceSwitchMode.Malformed, ServiceSwitchMode.Failing })
        {
            consent.Mode = mode;
            var before = consent.Requests;
            Assert.Empty(await ListAsync(identity));
            // It was asked (with a token the identity service issued itself): the list is empty for the outage's sake.
            Assert.True(consent.Requests > before, $"{mode}: the consent service was not asked");
        }
        consent.Mode = ServiceSwitchMode.Forward;
        Assert.Equal(["patient-1", "patient-2"], await ListAsync(identity));
    }

    private static async Task<IReadOnlyList<string>> ListAsync(IdentityServer identity)
    {
        await using var scope = identity.Service.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ConsentedPatients>().ListAsync("clinician-1", CancellationToken.None);
    }
}
