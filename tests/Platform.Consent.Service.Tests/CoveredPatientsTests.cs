using System.Net;
using System.Text.Json;

namespace Platform.Consent.Service.Tests;

/// <summary>
/// POST /decisions/patients, the SMART patient picker's list: the patients whose consents in force let an actor read
/// something for a purpose now — the decision engine's answer, so a revoke or another purpose takes a patient off.
/// </summary>
public sealed class CoveredPatientsTests(ConsentPlatform platform) : IClassFixture<ConsentPlatform>
{
    [Fact]
    public async Task Lists_the_patients_a_consent_in_force_covers_and_drops_one_as_soon_as_it_is_revoked()
    {
        var clinician = "clin" + Guid.NewGuid().ToString("N");
        var (first, firstToken) = await platform.PatientAsync();
        var (second, secondToken) = await platform.PatientAsync();
        var (bystander, bystanderToken) = await platform.PatientAsync();
        var service = await platform.ServiceTokenAsync();
        var firstConsent = await platform.GrantAsync(firstToken, clinician, ["observation"], ["TREAT"]);
        await platform.GrantAsync(secondToken, clinician, ["condition"], ["TREAT"]);
        // Another purpose only: not covered for treatment.
        await platform.GrantAsync(bystanderToken, clinician, ["observation"], ["HRESCH"]);

        var listed = await ListAsync(service, clinician, "TREAT");
        Assert.Equal(new[] { first.Id, second.Id }.Order(StringComparer.Ordinal), listed);
        Assert.Equal([bystander.Id], await ListAsync(service, clinician, "HRESCH"));
        Assert.Empty(await ListAsync(service, "nobody" + Guid.NewGuid().ToString("N"), "TREAT"));

        var (revoked, _) = await platform.CallAsync(HttpMethod.Post, $"/consents/{firstConsent}/revoke", firstToken, new { });
        Assert.Equal(HttpStatusCode.OK, revoked);
        Assert.Equal([second.Id], await ListAsync(service, clinician, "TREAT"));
    }

    [Fact]
    public async Task Only_services_ask_and_a_malformed_actor_or_purpose_is_a_problem()
    {
        var (_, patientToken) = await platform.PatientAsync();
        var (refused, _) = await platform.CallAsync(HttpMethod.Post, "/decisions/patients", patientToken, new { actor = "clin0000000001" });
        Assert.Equal(HttpStatusCode.Forbidden, refused);

        var service = await platform.ServiceTokenAsync();
        var (badActor, actorProblem) = await platform.CallAsync(HttpMethod.Post, "/decisions/patients", service, new { actor = "x" });
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "malformed_actor"), (badActor, actorProblem.GetProperty("code").GetString()));
        var (badPurpose, purposeProblem) = await platform.CallAsync(HttpMethod.Post, "/decisions/patients", service, new { actor = "clin0000000001", purpose = "NOPE" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badPurpose);
        Assert.Equal("unknown_purpose", purposeProblem.GetProperty("code").GetString());
    }

    private async Task<List<string>> ListAsync(string service, string actor, string purpose)
    {
        var (status, body) = await platform.CallAsync(HttpMethod.Post, "/decisions/patients", service, new { actor, actorKind = "practitioner", purpose });
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return [.. body.GetProperty("patients").EnumerateArray().Select(p => p.GetString()!)];
    }
}
