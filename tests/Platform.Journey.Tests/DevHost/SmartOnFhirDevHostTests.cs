// Firely's models mark most elements nullable; a test that dereferences a missing one fails, which is the point.
#nullable disable warnings
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Hl7.Fhir.Rest;
using Platform.Identity.Accounts;
using Platform.Identity.Smart;
using Platform.Identity.Testing;
using Xunit.Abstractions;
using R4 = Hl7.Fhir.Model;

namespace Platform.Journey.Tests.DevHost;

/// <summary>
/// Issue #20's "done when": a FHIR client and a SMART app against the dev host as a user starts it (the built
/// <c>Platform.DevHost.dll</c>, its demo accounts and its registered <c>smart-demo-app</c> client, README). Firely's
/// <c>FhirClient</c> reads the CapabilityStatement; the app discovers the endpoints, launches standalone for the demo
/// patient (authorize with PKCE and <c>aud</c>, sign-in, the app's consent screen, the code exchange) and gets the
/// patient in context, writes and reads with versions, pages a search, runs <c>$everything</c>, is refused what its
/// scopes do not grant and refreshes; then the demo clinician launches, picks the patient whose consent covers them,
/// and reads. The same flows in depth, against the services composed in-process: <c>SmartLaunchTests</c>,
/// <c>FhirApiTests</c> (Platform.RecordVault.Service.Tests).
/// </summary>
public sealed class SmartOnFhirDevHostTests(ITestOutputHelper output)
{
    private const string SmartClient = "smart-demo-app";
    private const string SmartRedirect = "http://localhost:9090/smart/callback";
    private const string CliClient = "platform-cli";
    private const string CliRedirect = "http://localhost:8400/callback";

    private static readonly TestAccount Patient = new("", "patient@demo.local", "demo-patient-password", null);
    private static readonly TestAccount Clinician = new("", "clinician@demo.local", "demo-clinician-password", Base32.Decode(AccountSeeder.DemoTotpSecret));

    [Fact]
    public async Task A_FHIR_client_and_a_SMART_app_do_their_work_against_the_dev_host()
    {
        var root = Directory.CreateTempSubdirectory("smart-devhost-");
        try
        {
            await using var host = await DevHostProcess.StartAsync(Path.Combine(root.FullName, "data"), TimeSpan.FromSeconds(120));
            var identity = new Uri($"http://localhost:{host.IdentityPort}");
            var fhirBase = new Uri($"http://localhost:{host.RecordVaultPort}/fhir/r4");

            // A FHIR client without a token: the CapabilityStatement says FHIR 4.0.1 and SMART.
            var capabilities = await Fhir(fhirBase, null).CapabilityStatementAsync();
            Assert.Equal(R4.FHIRVersion.N4_0_1, capabilities.FhirVersion);
            Assert.Contains(capabilities.Rest.Single().Security.Service, s => s.Coding.Any(c => c.Code == "SMART-on-FHIR"));

            // Discovery sends the app to the dev host's identity service, with PKCE S256.
            using var anonymous = new HttpClient();
            var discovery = await anonymous.GetFromJsonAsync<JsonElement>($"{fhirBase}/.well-known/smart-configuration");
            Assert.Equal(new Uri(identity, "/connect/authorize"), new Uri(discovery.GetProperty("authorization_endpoint").GetString()));
            Assert.Equal(new Uri(identity, "/connect/token"), new Uri(discovery.GetProperty("token_endpoint").GetString()));
            Assert.Contains("S256", discovery.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(m => m.GetString()));

            // The demo patient's standalone launch: their own context.
            using var patientSession = new FormSession(identity);
            var patientFlow = new CodeFlow(patientSession);
            var (patientToken, _) = await LaunchAsync(patientFlow, fhirBase, Patient, "openid fhirUser launch/patient patient/Observation.crus offline_access");
            var patient = patientToken.GetProperty("patient").GetString();
            Assert.Matches("^[0-9a-f]{32}$", patient);
            Assert.Equal($"{fhirBase}/Patient/{patient}", Jwt.Payload(patientToken.GetProperty("id_token").GetString()).GetProperty("fhirUser").GetString());
            var app = Fhir(fhirBase, patientToken.GetProperty("access_token").GetString());

            // Create, read, update with If-Match, and a stale update refused with 412.
            var first = await app.CreateAsync(Observation(patient, "heart rate"));
            var second = await app.CreateAsync(Observation(patient, "blood pressure"));
            Assert.Equal("1", first.Meta.VersionId);
            Assert.Equal("heart rate", (await app.ReadAsync<R4.Observation>($"Observation/{first.Id}")).Code.Text);
            first.Code.Text = "heart rate at rest";
            var updated = await app.UpdateAsync(first, versionAware: true);
            Assert.Equal("2", updated.Meta.VersionId);
            var stale = await Assert.ThrowsAsync<FhirOperationException>(() => app.UpdateAsync(first, versionAware: true));
            Assert.Equal(HttpStatusCode.PreconditionFailed, stale.Status);

            // A search paged one by one through the Bundle's next link, and $everything.
            var page = await app.SearchAsync<R4.Observation>(["_count=1"]);
            Assert.Equal(2, page.Total);
            var next = await app.ContinueAsync(page);
            Assert.Equal(new[] { first.Id, second.Id }.Order(), new[] { page.Entry.Single().Resource.Id, next.Entry.Single().Resource.Id }.Order());
            var everything = (R4.Bundle)await app.GetAsync($"Patient/{patient}/$everything");
            Assert.Equal(2, everything.Total);

            // What the scopes do not grant is refused (a Condition), whatever consent would say.
            var refused = await Assert.ThrowsAsync<FhirOperationException>(() => app.CreateAsync(new R4.Condition
            {
                Subject = new R4.ResourceReference("Patient/" + patient),
                Code = new R4.CodeableConcept { Text = "asthma" },
            }));
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);

            // A refresh keeps the patient in context.
            var (refreshStatus, refreshed) = await patientFlow.TokenAsync(new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = patientToken.GetProperty("refresh_token").GetString(),
                ["client_id"] = SmartClient,
            });
            Assert.True(refreshStatus == HttpStatusCode.OK, refreshed.ToString());
            Assert.Equal(patient, refreshed.GetProperty("patient").GetString());
            Assert.Equal(updated.Id, (await Fhir(fhirBase, refreshed.GetProperty("access_token").GetString()).ReadAsync<R4.Observation>($"Observation/{first.Id}")).Id);

            // The patient lets the demo clinician read observations (the consent API, with the command-line client).
            using var clinicianSession = new FormSession(identity);
            var clinicianFlow = new CodeFlow(clinicianSession);
            var clinicianSignIn = await clinicianFlow.SignInThroughClientAsync(CliClient, CliRedirect, Clinician, "openid");
            var clinician = Jwt.Payload(clinicianSignIn.GetProperty("id_token").GetString()).GetProperty("sub").GetString();
            var consentToken = (await patientFlow.SignInThroughClientAsync(CliClient, CliRedirect, Patient, "openid consent.manage")).GetProperty("access_token").GetString();
            using (var consent = new HttpClient { BaseAddress = new Uri($"http://localhost:{host.ConsentPort}") })
            {
                consent.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", consentToken);
                using var granted = await consent.PostAsJsonAsync("/consents", new
                {
                    grantee = new { kind = "practitioner", id = clinician },
                    categories = new[] { "observation" },
                    purposes = new[] { "TREAT" },
                });
                Assert.True(granted.StatusCode == HttpStatusCode.Created, await granted.Content.ReadAsStringAsync());
            }

            // The clinician's launch: the picker lists the consenting patient; the app reads their observations.
            var (clinicianToken, picker) = await LaunchAsync(clinicianFlow, fhirBase, Clinician, "openid fhirUser launch/patient patient/*.rs", pick: patient);
            Assert.Contains($"value=\"{patient}\"", picker, StringComparison.Ordinal);
            Assert.Equal(patient, clinicianToken.GetProperty("patient").GetString());
            Assert.Equal($"{fhirBase}/Practitioner/{clinician}", Jwt.Payload(clinicianToken.GetProperty("id_token").GetString()).GetProperty("fhirUser").GetString());
            var clinicianApp = Fhir(fhirBase, clinicianToken.GetProperty("access_token").GetString());
            Assert.Equal(2, (await clinicianApp.SearchAsync<R4.Observation>([])).Total);
            Assert.Equal("heart rate at rest", (await clinicianApp.ReadAsync<R4.Observation>($"Observation/{first.Id}")).Code.Text);

            var stopped = await host.StopAsync(TimeSpan.FromSeconds(30));
            Assert.True(stopped == 0, $"The dev host did not stop cleanly:\n{host.OutputTail()}");
            output.WriteLine($"patient {patient}, clinician {clinician}: launches, writes, searches and reads done");
        }
        finally
        {
            try
            {
                root.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// A standalone launch as the app runs it: authorize with PKCE and <c>aud</c>, sign in, pick the patient when the
    /// picker asks, allow the app, redeem the code. Returns the token response and the picker's HTML (empty without one).
    /// </summary>
    private static async Task<(JsonElement Token, string Picker)> LaunchAsync(CodeFlow flow, Uri fhirBase, TestAccount account, string scope, string pick = null)
    {
        var pkce = Pkce.Create();
        var location = await flow.RunAsync(CodeFlow.AuthorizeUrl(SmartClient, SmartRedirect, scope, pkce, extra: "aud=" + Uri.EscapeDataString(fhirBase.AbsoluteUri)), account);
        var picker = "";
        if (location.StartsWith(SmartLaunch.PickerPath, StringComparison.Ordinal))
        {
            using var page = await flow.Session.GetAsync(location);
            picker = await page.Content.ReadAsStringAsync();
            using var chosen = await flow.Session.SubmitHtmlFormAsync(new Uri(flow.Session.Http.BaseAddress, location).AbsoluteUri, picker,
                new Dictionary<string, string> { [SmartLaunch.PatientField] = pick ?? throw new InvalidOperationException("The picker was shown.") });
            location = FormSession.Location(chosen);
        }
        Assert.StartsWith("/connect/consent", location, StringComparison.Ordinal);
        using (var allowed = await flow.Session.SubmitAsync(location, new Dictionary<string, string>(), "submit.accept"))
        {
            location = FormSession.Location(allowed);
        }
        Assert.StartsWith(SmartRedirect, location, StringComparison.Ordinal);
        var (status, token) = await flow.RedeemCodeAsync(CodeFlow.QueryOf(location)["code"], SmartClient, SmartRedirect, pkce.Verifier);
        Assert.True(status == HttpStatusCode.OK, token.ToString());
        return (token, picker);
    }

    private static FhirClient Fhir(Uri fhirBase, string token)
    {
        var http = new HttpClient();
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return new FhirClient(fhirBase, http, new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false });
    }

    private static R4.Observation Observation(string patient, string text) => new()
    {
        Status = R4.ObservationStatus.Final,
        Code = new R4.CodeableConcept { Text = text },
        Subject = new R4.ResourceReference("Patient/" + patient),
    };
}
