using System.Net;
using System.Text;
using Hl7.Fhir.Serialization;
using Platform.Identity.Accounts;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// Every kind of resource the FHIR API returns, exactly as it returned it, validated against the FHIR R4
/// specification with Firely's validator: the CapabilityStatement, searchset Bundles (a search, $everything, the
/// AuditEvent search), a history Bundle, a read AuditEvent and an OperationOutcome. No errors allowed.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class FhirSpecificationTests(VaultPlatform platform)
{
    [Fact]
    public async Task Everything_the_api_returns_validates_against_the_r4_specification()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var client = FhirApi.Client(platform, token);
        var observation = FhirApi.Observation(patient.Id, "validated", "2024-03-01");
        observation.Code.Coding.Add(new R4.Coding("http://loinc.org", "8867-4"));
        var created = (await client.CreateAsync(observation))!;
        created.Code.Text = "validated again";
        await client.UpdateAsync(created);
        await client.CreateAsync(FhirApi.Condition(patient.Id, "also"));

        var responses = new Dictionary<string, (HttpStatusCode Expected, string Path)>
        {
            ["CapabilityStatement"] = (HttpStatusCode.OK, "/metadata"),
            ["searchset"] = (HttpStatusCode.OK, "/Observation?code=8867-4&date=2024&_count=1"),
            ["history"] = (HttpStatusCode.OK, $"/Observation/{created.Id}/_history"),
            ["$everything"] = (HttpStatusCode.OK, $"/Patient/{patient.Id}/$everything"),
            ["AuditEvent searchset"] = (HttpStatusCode.OK, $"/AuditEvent?patient=Patient/{patient.Id}"),
            ["OperationOutcome"] = (HttpStatusCode.NotFound, $"/Observation/{Guid.NewGuid()}"),
            ["OperationOutcome 400"] = (HttpStatusCode.BadRequest, "/Observation?code=a|b|c"),
        };
        var failures = new StringBuilder();
        string? auditEventId = null;
        foreach (var (name, (expected, path)) in responses)
        {
            var (status, _, raw) = await platform.VaultAsync(HttpMethod.Get, FhirApi.Base + path, token);
            Assert.True(expected == status, $"{name}: {(int)status}");
            var json = await raw.Content.ReadAsStringAsync();
            foreach (var error in FhirSpecificationValidator.Errors(json))
            {
                failures.AppendLine($"{name}: {error}");
            }
            if (name == "AuditEvent searchset")
            {
                var bundle = new FhirJsonDeserializer().Deserialize<R4.Bundle>(json);
                Assert.NotEmpty(bundle.Entry);
                auditEventId = bundle.Entry[0].Resource!.Id;
            }
            if (name == "$everything")
            {
                Assert.Equal(2, new FhirJsonDeserializer().Deserialize<R4.Bundle>(json).Total);
            }
        }
        var (readStatus, _, readRaw) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/AuditEvent/{auditEventId}", token);
        Assert.Equal(HttpStatusCode.OK, readStatus);
        foreach (var error in FhirSpecificationValidator.Errors(await readRaw.Content.ReadAsStringAsync()))
        {
            failures.AppendLine($"AuditEvent: {error}");
        }
        Assert.True(failures.Length == 0, failures.ToString());
    }
}
