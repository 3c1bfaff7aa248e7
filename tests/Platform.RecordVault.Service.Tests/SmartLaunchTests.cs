// Firely's models mark most elements nullable; a test that dereferences a missing one fails, which is the point.
#nullable disable warnings
using System.Net;
using System.Text.Json;
using Hl7.Fhir.Rest;
using Platform.Identity.Accounts;
using Platform.Identity.Smart;
using Platform.Identity.Testing;
using Platform.RecordVault.Fhir;
using Platform.ServiceDefaults.Smart;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// SMART App Launch 2.x standalone launches end to end against the real identity provider, consent service and vault:
/// discovery, authorize with PKCE (sign-in, the patient picker for a clinician, the app's consent screen), the token
/// response with the patient in context, FHIR reads with Firely's FhirClient, and refusals of what the scopes do not
/// grant (403 OperationOutcome) and of what consent does not permit although the scopes would (the intersection).
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class SmartLaunchTests(VaultPlatform platform)
{
    [Fact]
    public async Task A_patients_standalone_launch_gets_their_own_context_reads_in_scope_and_is_refused_out_of_scope()
    {
        var (patient, platformToken) = await platform.UserAsync(PlatformRoles.Patient);
        var mine = FhirApi.Client(platform, platformToken);
        var observation = (await mine.CreateAsync(FhirApi.Observation(patient.Id, "heart rate")))!;
        var condition = (await mine.CreateAsync(FhirApi.Condition(patient.Id, "asthma")))!;

        var discovery = await DiscoverAsync();
        using var session = new FormSession(platform.Identity.BaseAddress);
        var flow = new CodeFlow(session);
        var (token, _) = await LaunchAsync(flow, discovery, patient, "openid fhirUser launch/patient patient/Observation.rs offline_access");

        Assert.Equal("Bearer", token.GetProperty("token_type").GetString());
        Assert.True(token.GetProperty("expires_in").GetInt32() > 0);
        Assert.Equal(patient.Id, token.GetProperty("patient").GetString());
        var granted = token.GetProperty("scope").GetString()!.Split(' ');
        Assert.Contains("patient/Observation.rs", granted);
        Assert.Contains("launch/patient", granted);
        Assert.Equal("Patient/" + patient.Id, Jwt.Payload(token.GetProperty("id_token").GetString()!).GetProperty("fhirUser").GetString());
        var access = token.GetProperty("access_token").GetString()!;
        Assert.Contains("record-vault", Jwt.Strings(Jwt.Payload(access), "aud"));

        // In scope: the Observation, by read and by a search that names no patient (the context is the patient).
        var app = FhirApi.Client(platform, access);
        Assert.Equal("heart rate", (await app.ReadAsync<R4.Observation>($"Observation/{observation.Id}"))!.Code.Text);
        var found = await app.SearchAsync<R4.Observation>([]);
        Assert.Equal(observation.Id, found!.Entry.Single().Resource.Id);

        // Out of scope: the patient's own Condition (consent would allow it, the scopes do not), and any write.
        var refused = await Assert.ThrowsAsync<FhirOperationException>(() => app.ReadAsync<R4.Condition>($"Condition/{condition.Id}"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains(refused.Outcome.Issue, i => i.Details.Coding.Any(c => c.Code == SmartAccess.InsufficientScope));
        var write = await Assert.ThrowsAsync<FhirOperationException>(() => app.CreateAsync(FhirApi.Observation(patient.Id, "written")));
        Assert.Equal(HttpStatusCode.Forbidden, write.Status);

        // A refresh keeps the patient in context and the scopes.
        var (status, refreshed) = await flow.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = token.GetProperty("refresh_token").GetString()!,
            ["client_id"] = IdentityServer.SmartClient,
        });
        Assert.True(status == HttpStatusCode.OK, refreshed.ToString());
        Assert.Equal(patient.Id, refreshed.GetProperty("patient").GetString());
        Assert.Equal(patient.Id, Jwt.Payload(refreshed.GetProperty("access_token").GetString()!).GetProperty("patient").GetString());
        var again = FhirApi.Client(platform, refreshed.GetProperty("access_token").GetString());
        Assert.Equal(observation.Id, (await again.ReadAsync<R4.Observation>($"Observation/{observation.Id}"))!.Id);
    }

    [Fact]
    public async Task A_clinician_picks_among_consented_patients_only_and_gets_the_intersection_of_scopes_and_consent()
    {
        var (covered, coveredToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (other, otherToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (clinician, _) = await platform.UserAsync(PlatformRoles.Clinician);
        var observation = (await FhirApi.Client(platform, coveredToken).CreateAsync(FhirApi.Observation(covered.Id, "glucose")))!;
        var condition = (await FhirApi.Client(platform, coveredToken).CreateAsync(FhirApi.Condition(covered.Id, "not consented")))!;
        await FhirApi.Client(platform, otherToken).CreateAsync(FhirApi.Observation(other.Id, "not this patient"));
        var (grantedStatus, consent, _) = await platform.ConsentAsync(HttpMethod.Post, "/consents", coveredToken, new
        {
            grantee = new { kind = "practitioner", id = clinician.Id },
            categories = new[] { "observation" },
            purposes = new[] { "TREAT" },
        });
        Assert.True(grantedStatus == HttpStatusCode.Created, consent.ToString());

        var discovery = await DiscoverAsync();
        using var session = new FormSession(platform.Identity.BaseAddress);
        var flow = new CodeFlow(session);
        var (token, picker) = await LaunchAsync(flow, discovery, clinician, "openid fhirUser launch/patient patient/*.rs", pick: covered.Id);

        // The picker listed the covered patient and not the other one.
        Assert.Contains($"value=\"{covered.Id}\"", picker, StringComparison.Ordinal);
        Assert.DoesNotContain(other.Id, picker, StringComparison.Ordinal);
        Assert.Equal(covered.Id, token.GetProperty("patient").GetString());
        Assert.Equal("Practitioner/" + clinician.Id, Jwt.Payload(token.GetProperty("id_token").GetString()!).GetProperty("fhirUser").GetString());

        var app = FhirApi.Client(platform, token.GetProperty("access_token").GetString());
        // Scope and consent both allow the Observation.
        Assert.Equal(observation.Id, (await app.SearchAsync<R4.Observation>([]))!.Entry.Single().Resource.Id);
        // patient/*.rs covers Conditions, consent does not: as missing as any record the clinician may not read.
        var notConsented = await Assert.ThrowsAsync<FhirOperationException>(() => app.ReadAsync<R4.Condition>($"Condition/{condition.Id}"));
        Assert.Equal(HttpStatusCode.NotFound, notConsented.Status);
        // Another patient is outside the context, whatever consent says.
        var outside = await Assert.ThrowsAsync<FhirOperationException>(() => app.SearchAsync<R4.Observation>([$"patient=Patient/{other.Id}"]));
        Assert.Equal(HttpStatusCode.Forbidden, outside.Status);
        Assert.Contains(outside.Outcome.Issue, i => i.Details.Coding.Any(c => c.Code == SmartAccess.OutsidePatientContext));
    }

    [Fact]
    public async Task A_clinician_cannot_launch_for_a_patient_the_picker_would_not_list()
    {
        var (stranger, _) = await platform.UserAsync(PlatformRoles.Patient);
        var (clinician, _) = await platform.UserAsync(PlatformRoles.Clinician);
        using var session = new FormSession(platform.Identity.BaseAddress);
        var flow = new CodeFlow(session);
        var pkce = Pkce.Create();
        var location = await flow.RunAsync(
            CodeFlow.AuthorizeUrl(IdentityServer.SmartClient, IdentityServer.SmartRedirect, "openid launch/patient patient/*.rs", pkce), clinician);
        Assert.StartsWith(SmartLaunch.PickerPath, location, StringComparison.Ordinal);
        using var page = await session.GetAsync(location);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("no-patients", html, StringComparison.Ordinal);

        // A hand-made choice of a patient no consent covers: refused at the authorization endpoint, no code.
        var returnUrl = Uri.UnescapeDataString(location[(SmartLaunch.PickerPath + "?returnUrl=").Length..]);
        var consentPage = await session.GetAsync("/connect/consent?returnUrl=" + Uri.EscapeDataString(returnUrl));
        using var forged = await session.SubmitHtmlFormAsync(new Uri(platform.Identity.BaseAddress, "/connect/consent").AbsoluteUri,
            await consentPage.Content.ReadAsStringAsync(), new Dictionary<string, string> { [SmartLaunch.PatientField] = stranger.Id }, "submit.accept");
        var redirect = FormSession.Location(forged);
        Assert.StartsWith(IdentityServer.SmartRedirect, redirect, StringComparison.Ordinal);
        var query = CodeFlow.QueryOf(redirect);
        Assert.Equal("access_denied", query["error"]);
        Assert.False(query.ContainsKey("code"));

        // A GET naming a patient (a link, not our form) is refused too.
        var linked = await flow.RunAsync(
            CodeFlow.AuthorizeUrl(IdentityServer.SmartClient, IdentityServer.SmartRedirect, "openid launch/patient patient/*.rs", pkce,
                extra: $"{SmartLaunch.PatientField}={stranger.Id}"), clinician);
        Assert.Equal("access_denied", CodeFlow.QueryOf(linked)["error"]);
    }

    [Fact]
    public async Task User_scopes_need_no_patient_context_and_still_only_reach_the_types_they_name()
    {
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (clinician, _) = await platform.UserAsync(PlatformRoles.Clinician);
        var observation = (await FhirApi.Client(platform, patientToken).CreateAsync(FhirApi.Observation(patient.Id, "weight")))!;
        var (grantedStatus, consent, _) = await platform.ConsentAsync(HttpMethod.Post, "/consents", patientToken, new
        {
            grantee = new { kind = "practitioner", id = clinician.Id },
            categories = new[] { "observation", "condition" },
            purposes = new[] { "TREAT" },
        });
        Assert.True(grantedStatus == HttpStatusCode.Created, consent.ToString());

        using var session = new FormSession(platform.Identity.BaseAddress);
        var (token, _) = await LaunchAsync(new CodeFlow(session), await DiscoverAsync(), clinician, "openid user/Observation.rs");
        Assert.False(token.TryGetProperty("patient", out _));
        var app = FhirApi.Client(platform, token.GetProperty("access_token").GetString());
        Assert.Equal(observation.Id, (await app.SearchAsync<R4.Observation>([$"patient=Patient/{patient.Id}"]))!.Entry.Single().Resource.Id);
        // Consent covers Conditions; the scope does not: 403 before anything is looked up.
        var refused = await Assert.ThrowsAsync<FhirOperationException>(() => app.SearchAsync<R4.Condition>([$"patient=Patient/{patient.Id}"]));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
    }

    [Fact]
    public async Task Discovery_lists_the_v2_scopes_and_launch_capabilities_the_identity_provider_accepts()
    {
        var discovery = await DiscoverAsync();
        var capabilities = discovery.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).ToList();
        foreach (var capability in new[] { "launch-standalone", "context-standalone-patient", "permission-v2", "permission-patient", "permission-user", "client-public", "sso-openid-connect" })
        {
            Assert.Contains(capability, capabilities);
        }
        // Not offered, so not claimed.
        Assert.DoesNotContain("launch-ehr", capabilities);
        Assert.DoesNotContain("permission-v1", capabilities);
        var scopes = discovery.GetProperty("scopes_supported").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Contains("launch/patient", scopes);
        Assert.Contains("fhirUser", scopes);
        Assert.Contains("patient/*.rs", scopes);
        Assert.Contains("user/*.rs", scopes);
        // The scopes may name exactly the types the FHIR API serves: the record types, Binary and AuditEvent.
        Assert.Equal(FhirResourceTypes.All.Append(FhirBinaryEndpoints.Type).Append("AuditEvent").Order(StringComparer.Ordinal), SmartScopes.ResourceTypes.Order(StringComparer.Ordinal));
    }

    private async Task<JsonElement> DiscoverAsync()
    {
        using var anonymous = new HttpClient { BaseAddress = platform.Vault.Client.BaseAddress };
        return JsonDocument.Parse(await anonymous.GetStringAsync($"{FhirApi.Base}/.well-known/smart-configuration")).RootElement.Clone();
    }

    private Task<(JsonElement Token, string Picker)> LaunchAsync(CodeFlow flow, JsonElement discovery, TestAccount account, string scope, string? pick = null) =>
        SmartAppLaunch.RunAsync(platform, flow, discovery, account, scope, pick);
}
