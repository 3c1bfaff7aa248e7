// Firely's models mark most elements nullable; a test that dereferences a missing one fails, which is the point.
#nullable disable warnings
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Identity.Accounts;
using Platform.RecordVault.Data;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// The FHIR R4 REST API driven by a real FHIR client (Firely's FhirClient), checked against the FHIR R4 RESTful API:
/// a CapabilityStatement that validates, create/read/vread/update with versions and ETags (If-Match conflict 412),
/// history Bundles, searchset Bundles with total and paging links, errors as OperationOutcome with their statuses
/// (unknown type 404, wrong content type 415, not acceptable 406, no token 401), and consent on every resource.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class FhirApiTests(VaultPlatform platform)
{
    [Fact]
    public async Task The_capability_statement_is_public_validates_and_lists_every_interaction_the_api_serves()
    {
        using var anonymous = new HttpClient { BaseAddress = platform.Vault.Client.BaseAddress };
        var response = await anonymous.GetAsync($"{FhirApi.Base}/metadata");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        var statement = FhirApi.Valid<R4.CapabilityStatement>(await response.Content.ReadAsStringAsync());

        Assert.Equal(R4.CapabilityStatementKind.Instance, statement.Kind);
        Assert.Equal(R4.FHIRVersion.N4_0_1, statement.FhirVersion);
        Assert.Equal(["json"], statement.Format);
        var rest = Assert.Single(statement.Rest);
        Assert.Equal("SMART-on-FHIR", Assert.Single(rest.Security.Service).Coding[0].Code);
        var expected = new[] { "Observation", "Condition", "AllergyIntolerance", "MedicationStatement", "Immunization", "DiagnosticReport", "DocumentReference" };
        Assert.All(expected, type => Assert.Contains(rest.Resource, r => r.Type == type));
        // Patient: no interactions, only the $everything operation with the specification's definition.
        var patientEntry = rest.Resource.Single(r => r.Type == "Patient");
        Assert.Empty(patientEntry.Interaction);
        Assert.Equal("http://hl7.org/fhir/OperationDefinition/Patient-everything", Assert.Single(patientEntry.Operation).Definition);
        // Binary: read, vread, create (attachments); AuditEvent: read and search (the access log).
        Assert.Equal(["create", "read", "vread"], rest.Resource.Single(r => r.Type == "Binary").Interaction.Select(i => Hl7.Fhir.Utility.EnumUtility.GetLiteral(i.Code)).Order());
        var audit = rest.Resource.Single(r => r.Type == "AuditEvent");
        Assert.Equal(["read", "search-type"], audit.Interaction.Select(i => Hl7.Fhir.Utility.EnumUtility.GetLiteral(i.Code)).Order());
        Assert.Equal(["date", "patient"], audit.SearchParam.Select(p => p.Name).Order());
        foreach (var resource in rest.Resource.Where(r => r.Type is not ("Patient" or "Binary" or "AuditEvent")))
        {
            Assert.Equal(
                new[] { "create", "history-instance", "read", "search-type", "update", "vread" },
                resource.Interaction.Select(i => Hl7.Fhir.Utility.EnumUtility.GetLiteral(i.Code)).Order());
            Assert.Equal(R4.CapabilityStatement.ResourceVersionPolicy.VersionedUpdate, resource.Versioning);
            Assert.False(resource.UpdateCreate);
            // The common three, and the content parameters FHIR R4 itself defines for the type among code, category, date.
            var content = Hl7.Fhir.Model.ModelInfo.SearchParameters
                .Where(p => p.Resource == resource.Type && p.Name is "code" or "category" or "date").Select(p => p.Name);
            Assert.Equal(new[] { "_id", "_lastUpdated", "patient" }.Concat(content).Order(StringComparer.Ordinal),
                resource.SearchParam.Select(p => p.Name).Order(StringComparer.Ordinal));
        }

        // The SMART extension and the discovery document name the identity service's real endpoints.
        var smart = JsonDocument.Parse(await anonymous.GetStringAsync($"{FhirApi.Base}/.well-known/smart-configuration")).RootElement;
        var oauth = rest.Security.Extension.Single(e => e.Url == "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
        string Uri(string name) => ((R4.FhirUri)oauth.Extension.Single(e => e.Url == name).Value).Value;
        Assert.Equal(smart.GetProperty("authorization_endpoint").GetString(), Uri("authorize"));
        Assert.Equal(smart.GetProperty("token_endpoint").GetString(), Uri("token"));

        // The Firely client reads it too.
        var viaClient = await FhirApi.Client(platform, null).CapabilityStatementAsync();
        Assert.Equal(statement.Rest[0].Resource.Count, viaClient!.Rest[0].Resource.Count);
    }

    [Fact]
    public async Task Smart_configuration_has_the_required_fields_and_matches_the_identity_providers_discovery()
    {
        using var anonymous = new HttpClient { BaseAddress = platform.Vault.Client.BaseAddress };
        var response = await anonymous.GetAsync($"{FhirApi.Base}/.well-known/smart-configuration");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var smart = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        using var identity = new HttpClient { BaseAddress = platform.Identity.BaseAddress };
        var oidc = JsonDocument.Parse(await identity.GetStringAsync("/.well-known/openid-configuration")).RootElement;

        // SMART App Launch 2.x: token_endpoint, capabilities, code_challenge_methods_supported (S256, never plain) and
        // grant_types_supported are required; authorization_endpoint with launch-standalone; issuer and jwks_uri with
        // sso-openid-connect. Each must be what the identity provider itself publishes.
        var capabilities = smart.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("launch-standalone", capabilities);
        Assert.Contains("sso-openid-connect", capabilities);
        Assert.Equal(oidc.GetProperty("issuer").GetString(), smart.GetProperty("issuer").GetString());
        foreach (var endpoint in new[] { "authorization_endpoint", "token_endpoint", "jwks_uri", "revocation_endpoint", "introspection_endpoint" })
        {
            Assert.Equal(oidc.GetProperty(endpoint).GetString(), smart.GetProperty(endpoint).GetString());
        }
        Assert.Equal(["S256"], smart.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(c => c.GetString()));
        var grants = smart.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()).ToList();
        Assert.Contains("authorization_code", grants);
        var offered = oidc.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()).ToList();
        Assert.All(grants, g => Assert.Contains(g, offered));
        var scopes = oidc.GetProperty("scopes_supported").EnumerateArray().Select(g => g.GetString()).ToList();
        Assert.All(smart.GetProperty("scopes_supported").EnumerateArray().Select(s => s.GetString()), s => Assert.Contains(s, scopes));
        Assert.Contains("S256", oidc.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task Create_read_update_and_vread_keep_versions_and_a_stale_if_match_gets_412()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var client = FhirApi.Client(platform, token);

        var created = await client.CreateAsync(FhirApi.Observation(patient.Id, "first"));
        Assert.NotNull(created);
        Assert.True(Guid.TryParse(created.Id, out _));
        Assert.Equal("1", created.Meta.VersionId);
        Assert.NotNull(created.Meta.LastUpdated);

        // Read: the ETag is the version (W/"1"), and the body validates.
        var (status, _, raw) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/Observation/{created.Id}", token);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("W/\"1\"", raw.Headers.ETag?.ToString());
        Assert.NotNull(raw.Content.Headers.LastModified);
        var read = FhirApi.Valid<R4.Observation>(await raw.Content.ReadAsStringAsync());
        Assert.Equal("first", read.Code.Text);
        Assert.Equal(created.Id, read.Id);

        read.Code.Text = "second";
        var updated = await client.UpdateAsync(read, versionAware: true);
        Assert.Equal("2", updated!.Meta.VersionId);

        // A writer who last saw version 1 is refused: 412 with an OperationOutcome, nothing stored.
        read.Code.Text = "lost update";
        var conflict = await Assert.ThrowsAsync<FhirOperationException>(() => client.UpdateAsync(read, versionAware: true));
        Assert.Equal(HttpStatusCode.PreconditionFailed, conflict.Status);
        Assert.Equal(R4.OperationOutcome.IssueType.Conflict, conflict.Outcome.Issue[0].Code);

        var current = await client.ReadAsync<R4.Observation>($"Observation/{created.Id}");
        Assert.Equal(("2", "second"), (current!.Meta.VersionId, current.Code.Text));
        var first = await client.ReadAsync<R4.Observation>($"Observation/{created.Id}/_history/1");
        Assert.Equal(("1", "first"), (first!.Meta.VersionId, first.Code.Text));
        var missingVersion = await Assert.ThrowsAsync<FhirOperationException>(() => client.ReadAsync<R4.Observation>($"Observation/{created.Id}/_history/9"));
        Assert.Equal(HttpStatusCode.NotFound, missingVersion.Status);

        // History: newest first, a request and a response per entry, and it validates as a history Bundle.
        var (historyStatus, _, historyRaw) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/Observation/{created.Id}/_history", token);
        Assert.Equal(HttpStatusCode.OK, historyStatus);
        var history = FhirApi.Valid<R4.Bundle>(await historyRaw.Content.ReadAsStringAsync());
        Assert.Equal(R4.Bundle.BundleType.History, history.Type);
        Assert.Equal(["2", "1"], history.Entry.Select(e => e.Resource.Meta.VersionId));
        Assert.Equal([R4.Bundle.HTTPVerb.PUT, R4.Bundle.HTTPVerb.POST], history.Entry.Select(e => e.Request.Method!.Value));
        Assert.Equal(["second", "first"], history.Entry.Select(e => ((R4.Observation)e.Resource).Code.Text));

        // Every read went through the store: audited like GET /records/{id}.
        using var scope = platform.Vault.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        var entries = await db.AccessLog.AsNoTracking().Where(a => a.RecordId == Guid.Parse(created.Id)).ToListAsync();
        Assert.Equal(2, entries.Count(a => a.Action == "write" && a.Outcome == "permit"));
        // The raw read, the client's read and vread 1, and history's two versions (a missing version 9 reads nothing).
        Assert.Equal(5, entries.Count(a => a.Action == "read" && a.Outcome == "permit"));
    }

    [Fact]
    public async Task Search_pages_through_a_searchset_with_total_and_links_and_filters_on_last_updated()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var client = FhirApi.Client(platform, token);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await client.CreateAsync(FhirApi.Observation(patient.Id, $"obs-{i}")))!.Id);
        }
        await client.CreateAsync(FhirApi.Condition(patient.Id, "not an observation"));

        var (status, _, raw) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/Observation?patient=Patient/{patient.Id}&_count=2", token);
        Assert.Equal(HttpStatusCode.OK, status);
        var page = FhirApi.Valid<R4.Bundle>(await raw.Content.ReadAsStringAsync());
        Assert.Equal(R4.Bundle.BundleType.Searchset, page.Type);
        Assert.Equal(5, page.Total);
        Assert.Equal(2, page.Entry.Count);
        Assert.All(page.Entry, e => Assert.Equal(R4.Bundle.SearchEntryMode.Match, e.Search.Mode));
        Assert.All(page.Entry, e => Assert.EndsWith($"/fhir/r4/Observation/{e.Resource.Id}", e.FullUrl, StringComparison.Ordinal));
        Assert.Equal(["first", "last", "next", "self"], page.Link.Select(l => l.Relation).Order());

        // The Firely client follows the next links to the end.
        var seen = new List<string>();
        var bundle = await client.SearchAsync<R4.Observation>([$"patient={patient.Id}"], pageSize: 2);
        while (bundle is not null)
        {
            seen.AddRange(bundle.Entry.Select(e => e.Resource.Id));
            bundle = await client.ContinueAsync(bundle);
        }
        Assert.Equal(ids.Order(), seen.Order());

        // Sorted newest first; _lastUpdated with prefixes.
        var newest = await client.SearchAsync<R4.Observation>([$"patient={patient.Id}", "_sort=-_lastUpdated", "_count=1"]);
        Assert.Equal(ids[^1], newest!.Entry.Single().Resource.Id);
        var future = await client.SearchAsync<R4.Observation>([$"patient={patient.Id}", "_lastUpdated=gt2100-01-01"]);
        Assert.Equal((0, 0), (future!.Total, future.Entry.Count));
        var thisYear = await client.SearchAsync<R4.Observation>([$"patient={patient.Id}", $"_lastUpdated={DateTime.UtcNow.Year}", "_count=10"]);
        Assert.Equal(5, thisYear!.Total);
        var one = await client.SearchAsync<R4.Observation>([$"_id={ids[2]}"]);
        Assert.Equal(ids[2], one!.Entry.Single().Resource.Id);

        // A parameter the server does not support is refused, not ignored (the answer would hold more than was asked).
        var unsupported = await Assert.ThrowsAsync<FhirOperationException>(() => client.SearchAsync<R4.Observation>(["value-quantity=5"]));
        Assert.Equal(HttpStatusCode.BadRequest, unsupported.Status);
        Assert.Contains("value-quantity", unsupported.Outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clinicians_search_and_reads_show_only_what_consent_permits_and_never_tell_what_was_withheld()
    {
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (clinician, clinicianToken) = await platform.UserAsync(PlatformRoles.Clinician);
        var mine = FhirApi.Client(platform, patientToken);
        var observation = (await mine.CreateAsync(FhirApi.Observation(patient.Id, "consented")))!;
        var condition = (await mine.CreateAsync(FhirApi.Condition(patient.Id, "withheld")))!;
        var (granted, consent, _) = await platform.ConsentAsync(HttpMethod.Post, "/consents", patientToken, new
        {
            grantee = new { kind = "practitioner", id = clinician.Id },
            categories = new[] { "observation" },
            purposes = new[] { "TREAT" },
        });
        Assert.True(granted == HttpStatusCode.Created, consent.ToString());

        var theirs = FhirApi.Client(platform, clinicianToken);
        var observations = await theirs.SearchAsync<R4.Observation>([$"patient=Patient/{patient.Id}"]);
        Assert.Equal(observation.Id, observations!.Entry.Single().Resource.Id);
        // The withheld Condition counts nowhere: total 0, as for a patient with none.
        var conditions = await theirs.SearchAsync<R4.Condition>([$"patient=Patient/{patient.Id}"]);
        Assert.Equal((0, 0), (conditions!.Total, conditions.Entry.Count));

        // Reading it directly answers exactly as a missing resource does.
        var (refused, _, refusedRaw) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/Condition/{condition.Id}", clinicianToken);
        var missingId = Guid.NewGuid();
        var (missing, _, missingRaw) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/Condition/{missingId}", clinicianToken);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (refused, missing));
        var refusedOutcome = FhirApi.Valid<R4.OperationOutcome>(await refusedRaw.Content.ReadAsStringAsync());
        var missingOutcome = FhirApi.Valid<R4.OperationOutcome>(await missingRaw.Content.ReadAsStringAsync());
        Assert.Equal(missingOutcome.Issue[0].Diagnostics.Replace(missingId.ToString(), "{id}", StringComparison.Ordinal),
            refusedOutcome.Issue[0].Diagnostics.Replace(condition.Id, "{id}", StringComparison.Ordinal));
        // The Observation under the Condition type is as missing as anything else.
        var (wrongType, _, _) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/Condition/{observation.Id}", clinicianToken);
        Assert.Equal(HttpStatusCode.NotFound, wrongType);

        // Without the patient, a clinician's search is refused; with break-glass it is not a search either.
        var noPatient = await Assert.ThrowsAsync<FhirOperationException>(() => theirs.SearchAsync<R4.Observation>([]));
        Assert.Equal(HttpStatusCode.BadRequest, noPatient.Status);

        // Audit: the search's one entry was a read in the access log; the refused Condition read a deny.
        using var scope = platform.Vault.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        var log = await db.AccessLog.AsNoTracking().Where(a => a.Patient == patient.Id && a.Actor == clinician.Id).ToListAsync();
        Assert.Single(log, a => a.RecordId == Guid.Parse(observation.Id) && a.Action == "read" && a.Outcome == "permit");
        Assert.Single(log, a => a.RecordId == Guid.Parse(condition.Id) && a.Action == "read" && a.Outcome == "deny");
    }

    [Fact]
    public async Task Errors_are_operation_outcomes_with_the_status_the_fhir_specification_gives()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var observation = FhirApi.Observation(patient.Id, "x");
        var json = new FhirJsonSerializer().SerializeToString(observation);

        async Task Expect(HttpStatusCode expected, HttpMethod method, string path, HttpContent? body = null, string? bearer = null, Dictionary<string, string>? headers = null)
        {
            using var client = new HttpClient { BaseAddress = platform.Vault.Client.BaseAddress };
            using var request = new HttpRequestMessage(method, FhirApi.Base + path) { Content = body };
            if (bearer is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            }
            foreach (var (name, value) in headers ?? [])
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
            var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(expected == response.StatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
            Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
            var outcome = FhirApi.Valid<R4.OperationOutcome>(text);
            Assert.Equal(R4.OperationOutcome.IssueSeverity.Error, outcome.Issue[0].Severity);
        }
        StringContent Fhir(string body, string type = "application/fhir+json") => new(body, Encoding.UTF8, type);

        await Expect(HttpStatusCode.Unauthorized, HttpMethod.Get, $"/Observation?patient={patient.Id}");
        await Expect(HttpStatusCode.NotFound, HttpMethod.Get, "/Patient/" + patient.Id, bearer: token);
        await Expect(HttpStatusCode.NotFound, HttpMethod.Get, "/NoSuchType?patient=" + patient.Id, bearer: token);
        await Expect(HttpStatusCode.NotFound, HttpMethod.Get, "/Observation/not-a-uuid", bearer: token);
        await Expect(HttpStatusCode.NotFound, HttpMethod.Get, $"/Observation/{Guid.NewGuid()}", bearer: token);
        await Expect(HttpStatusCode.UnsupportedMediaType, HttpMethod.Post, "/Observation", Fhir(json, "text/plain"), token);
        await Expect(HttpStatusCode.UnsupportedMediaType, HttpMethod.Post, "/Observation", Fhir("<Observation xmlns=\"http://hl7.org/fhir\"/>", "application/fhir+xml"), token);
        await Expect(HttpStatusCode.NotAcceptable, HttpMethod.Get, $"/Observation?patient={patient.Id}", bearer: token,
            headers: new() { ["Accept"] = "application/fhir+xml" });
        await Expect(HttpStatusCode.NotAcceptable, HttpMethod.Get, $"/Observation?patient={patient.Id}&_format=xml", bearer: token);
        await Expect(HttpStatusCode.BadRequest, HttpMethod.Post, "/Condition", Fhir(json), token);
        await Expect(HttpStatusCode.UnprocessableEntity, HttpMethod.Post, "/Observation", Fhir("{\"resourceType\":\"Observation\"}"), token);
        await Expect(HttpStatusCode.UnprocessableEntity, HttpMethod.Post, "/Observation",
            Fhir("{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"no subject\"}}"), token);
        await Expect(HttpStatusCode.BadRequest, HttpMethod.Get, $"/Observation?patient={patient.Id}&_lastUpdated=yesterday", bearer: token);
        await Expect(HttpStatusCode.MethodNotAllowed, HttpMethod.Delete, $"/Observation/{Guid.NewGuid()}", bearer: token);

        // An update without the id in the body, and with a malformed If-Match.
        var created = await FhirApi.Client(platform, token).CreateAsync(observation);
        await Expect(HttpStatusCode.BadRequest, HttpMethod.Put, $"/Observation/{created!.Id}", Fhir(json), token);
        created.Meta = null;
        var withId = new FhirJsonSerializer().SerializeToString(created);
        await Expect(HttpStatusCode.BadRequest, HttpMethod.Put, $"/Observation/{created.Id}", Fhir(withId), token, new() { ["If-Match"] = "not-an-etag" });
        await Expect(HttpStatusCode.PreconditionFailed, HttpMethod.Put, $"/Observation/{created.Id}", Fhir(withId), token, new() { ["If-Match"] = "W/\"7\"" });

        // Nothing was stored by the refused requests: the patient has the one Observation.
        using var scope = platform.Vault.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        var records = await db.Records.AsNoTracking().Where(r => r.Patient == patient.Id).ToListAsync();
        Assert.Equal(1, Assert.Single(records).CurrentVersion);
    }
}
