// Firely's models mark most elements nullable; a test that dereferences a missing one fails, which is the point.
#nullable disable warnings
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Validation;
using Platform.Consent.Core;
using R4 = Hl7.Fhir.Model;

namespace Platform.Consent.Service.Tests;

/// <summary>
/// The consent service's FHIR API (<c>/fhir/r4</c>) driven by Firely's FhirClient: a CapabilityStatement that parses
/// strictly and validates; Consent read and search (patient, status, _count, paging through next links) returning the
/// very resource <c>/consents/{id}/fhir</c> exports; a patient sees only their own, a clinician only the consents that
/// name them, and everything else reads as missing; errors as OperationOutcome.
/// </summary>
public sealed class ConsentFhirApiTests(ConsentPlatform platform) : IClassFixture<ConsentPlatform>
{
    private static readonly FhirJsonDeserializer Strict = new(new DeserializerSettings());

    [Fact]
    public async Task The_capability_statement_is_public_parses_strictly_and_names_consent_read_and_search()
    {
        using var anonymous = new HttpClient { BaseAddress = platform.Consent.Client.BaseAddress };
        var response = await anonymous.GetAsync("/fhir/r4/metadata");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var statement = Valid<R4.CapabilityStatement>(await response.Content.ReadAsStringAsync());
        Assert.Equal(R4.FHIRVersion.N4_0_1, statement.FhirVersion);
        Assert.Equal(["json"], statement.Format);
        var resource = Assert.Single(Assert.Single(statement.Rest).Resource);
        Assert.Equal("Consent", resource.Type);
        Assert.Equal(["read", "search-type"], resource.Interaction.Select(i => Hl7.Fhir.Utility.EnumUtility.GetLiteral(i.Code)).Order());
        Assert.Equal(["patient", "status"], resource.SearchParam.Select(p => p.Name).Order());

        var viaClient = await Client(null).CapabilityStatementAsync();
        Assert.Equal("Consent", viaClient!.Rest[0].Resource[0].Type);
    }

    [Fact]
    public async Task A_patient_searches_and_reads_their_consents_with_paging_and_status()
    {
        var (patient, token) = await platform.PatientAsync();
        var clinician = "clin" + Guid.NewGuid().ToString("N");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await platform.GrantAsync(token, clinician, i == 0 ? ["observation", "mental-health"] : ["condition"], ["TREAT"]));
        }
        var (revoked, _) = await platform.CallAsync(HttpMethod.Post, $"/consents/{ids[2]}/revoke", token, new { });
        Assert.Equal(HttpStatusCode.OK, revoked);
        var client = Client(token);

        // Paging with _count=2: total 3, the client follows next to the end; every entry validates.
        var seen = new List<string>();
        var page = await client.SearchAsync<R4.Consent>([$"patient=Patient/{patient.Id}"], pageSize: 2);
        Assert.Equal(3, page!.Total);
        Assert.Equal(["first", "last", "next", "self"], page.Link.Select(l => l.Relation).Order());
        while (page is not null)
        {
            Assert.All(page.Entry, e => Valid<R4.Consent>(new FhirJsonSerializer().SerializeToString(e.Resource)));
            Assert.All(page.Entry, e => Assert.EndsWith($"/fhir/r4/Consent/{e.Resource.Id}", e.FullUrl, StringComparison.Ordinal));
            seen.AddRange(page.Entry.Select(e => e.Resource.Id));
            page = await client.ContinueAsync(page);
        }
        Assert.Equal(ids.Order(), seen.Order());

        // A patient's own search needs no patient parameter; status filters on the FHIR state.
        var active = await client.SearchAsync<R4.Consent>(["status=active"]);
        Assert.Equal(ids.Take(2).Order(), active!.Entry.Select(e => e.Resource.Id).Order());
        var inactive = await client.SearchAsync<R4.Consent>(["status=inactive"]);
        Assert.Equal([ids[2]], inactive!.Entry.Select(e => e.Resource.Id));
        Assert.Equal(R4.Consent.ConsentState.Inactive, ((R4.Consent)inactive.Entry[0].Resource).Status);
        var countOnly = await client.SearchAsync<R4.Consent>(["_count=0"]);
        Assert.Equal((3, 0), (countOnly!.Total, countOnly.Entry.Count));

        // Read: the very resource the consent API exports, with its version as the ETag.
        var (status, _, raw) = await SendAsync($"/fhir/r4/Consent/{ids[0]}", token);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("W/\"1\"", raw.Headers.ETag?.ToString());
        var read = Valid<R4.Consent>(await raw.Content.ReadAsStringAsync());
        var (_, _, exportRaw) = await SendAsync($"/consents/{ids[0]}/fhir", token);
        Assert.Equal(await exportRaw.Content.ReadAsStringAsync(), new FhirJsonSerializer().SerializeToString(read));
        Assert.Equal(patient.Id, read.Patient.Identifier.Value);
        Assert.Equal(ConsentFhirExporter.PatientPseudonymSystem, read.Patient.Identifier.System);
        var viaClient = await client.ReadAsync<R4.Consent>($"Consent/{ids[2]}");
        Assert.Equal(("2", R4.Consent.ConsentState.Inactive), (viaClient!.Meta.VersionId, viaClient.Status));
    }

    [Fact]
    public async Task Others_see_nothing_a_clinician_sees_the_consents_naming_them_and_errors_are_operation_outcomes()
    {
        var (patient, token) = await platform.PatientAsync();
        var (other, otherToken) = await platform.PatientAsync();
        var (clinician, clinicianToken) = await platform.ClinicianAsync("openid consent.manage");
        var naming = await platform.GrantAsync(token, clinician.Id, ["observation"], ["TREAT"]);
        var notNaming = await platform.GrantAsync(token, "clin" + Guid.NewGuid().ToString("N"), ["observation"], ["TREAT"]);
        var otherPatients = await platform.GrantAsync(otherToken, clinician.Id, ["condition"], ["TREAT"]);

        // Another patient: a read is a missing consent, word for word; a search naming the patient is 403; their own search holds only theirs.
        var missing = await Assert.ThrowsAsync<FhirOperationException>(() => Client(otherToken).ReadAsync<R4.Consent>($"Consent/{naming}"));
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        var random = await Assert.ThrowsAsync<FhirOperationException>(() => Client(otherToken).ReadAsync<R4.Consent>($"Consent/{Guid.NewGuid()}"));
        Assert.Equal(missing.Outcome.Issue[0].Details.Text, random.Outcome.Issue[0].Details.Text);
        var forbidden = await Assert.ThrowsAsync<FhirOperationException>(() => Client(otherToken).SearchAsync<R4.Consent>([$"patient={patient.Id}"]));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.Status);
        Assert.Equal([otherPatients], (await Client(otherToken).SearchAsync<R4.Consent>([]))!.Entry.Select(e => e.Resource.Id));

        // The clinician: the consents naming them, from both patients; narrowed by patient; the other consent is missing.
        var clinicianClient = Client(clinicianToken);
        var mine = await clinicianClient.SearchAsync<R4.Consent>([]);
        Assert.Equal(new[] { naming, otherPatients }.Order(), mine!.Entry.Select(e => e.Resource.Id).Order());
        var onePatient = await clinicianClient.SearchAsync<R4.Consent>([$"patient=Patient/{patient.Id}"]);
        Assert.Equal([naming], onePatient!.Entry.Select(e => e.Resource.Id));
        Assert.Equal(clinician.Id, ((R4.Consent)onePatient.Entry[0].Resource).Provision.Provision[0].Actor[0].Reference.Identifier.Value);
        var hidden = await Assert.ThrowsAsync<FhirOperationException>(() => clinicianClient.ReadAsync<R4.Consent>($"Consent/{notNaming}"));
        Assert.Equal(HttpStatusCode.NotFound, hidden.Status);

        // Errors: OperationOutcome with the platform's code.
        var cases = new (string Path, string Token, IDictionary<string, string> Headers, HttpStatusCode Status, string Code)[]
        {
            ("/fhir/r4/Consent?status=bogus", token, null, HttpStatusCode.BadRequest, "invalid_search_parameter"),
            ("/fhir/r4/Consent?category=x", token, null, HttpStatusCode.BadRequest, "unsupported_search_parameter"),
            ("/fhir/r4/Consent?patient=not%20a%20pseudonym", token, null, HttpStatusCode.BadRequest, "invalid_search_parameter"),
            ("/fhir/r4/Consent?_count=-1", token, null, HttpStatusCode.BadRequest, "invalid_search_parameter"),
            ("/fhir/r4/Consent", token, new Dictionary<string, string> { ["Accept"] = "application/fhir+xml" }, HttpStatusCode.NotAcceptable, "not_acceptable"),
            ("/fhir/r4/Consent/not-a-uuid", token, null, HttpStatusCode.NotFound, null),
            ("/fhir/r4/Consent", null, null, HttpStatusCode.Unauthorized, null),
        };
        foreach (var (path, caller, headers, expected, code) in cases)
        {
            var (status, body, raw) = await SendAsync(path, caller, headers);
            Assert.True(expected == status, $"{path}: {status} {body}");
            Assert.Equal("application/fhir+json", raw.Content.Headers.ContentType?.MediaType);
            var outcome = Valid<R4.OperationOutcome>(body.GetRawText());
            if (code is not null)
            {
                Assert.Equal(code, outcome.Issue[0].Details.Coding.Single().Code);
            }
        }
        // The platform's own consent API still answers problem+json.
        var (_, _, problem) = await SendAsync($"/consents/{Guid.NewGuid()}", token);
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType?.MediaType);
    }

    private FhirClient Client(string token)
    {
        var http = new HttpClient { BaseAddress = platform.Consent.Client.BaseAddress };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return new FhirClient(new Uri(platform.Consent.Client.BaseAddress!, "/fhir/r4"), http,
            new FhirClientSettings { PreferredFormat = ResourceFormat.Json, VerifyFhirVersion = false });
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Raw)> SendAsync(string path, string token, IDictionary<string, string> headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }
        var response = await platform.Consent.Client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 && text[0] == '{' ? JsonDocument.Parse(text).RootElement.Clone() : default, response);
    }

    /// <summary>Parses FHIR JSON strictly and runs Firely's invariants; returns the resource or fails naming every issue.</summary>
    private static T Valid<T>(string json) where T : R4.Resource
    {
        Strict.TryDeserializeResource(new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json)), out var resource, out var issues);
        var problems = issues.Select(i => i.Message).ToList();
        if (resource is not null && problems.Count == 0)
        {
            problems.AddRange(resource.Validate().Select(i => i.Message));
        }
        Assert.True(problems.Count == 0 && resource is T, $"Not a valid {typeof(T).Name}: {string.Join("; ", problems)}\n{json}");
        return (T)resource!;
    }
}
