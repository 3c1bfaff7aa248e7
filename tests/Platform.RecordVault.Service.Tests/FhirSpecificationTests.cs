using System.Net;
using System.Text;
using Hl7.Fhir.Serialization;
using Platform.Identity.Accounts;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// Every kind of resource the FHIR API returns, exactly as it returned it, validated against the FHIR R4
/// specification with Firely's validator: the CapabilityStatement, searchset Bundles (a search, $everything, the
/// AuditEvent search), a history Bundle, a Binary (as a FHIR resource) and the DocumentReference pointing at it, a read
/// AuditEvent and OperationOutcomes; and the consent service's CapabilityStatement and Consent resources. No errors allowed.
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
        var binary = (await client.CreateAsync(new R4.Binary
        {
            ContentType = "application/pdf",
            Data = Encoding.ASCII.GetBytes("%PDF-1.4\n% validated\n%%EOF\n"),
            SecurityContext = new R4.ResourceReference("Patient/" + patient.Id),
        }))!;
        var document = (await client.CreateAsync(new R4.DocumentReference
        {
            Status = R4.DocumentReferenceStatus.Current,
            Subject = new R4.ResourceReference("Patient/" + patient.Id),
            Date = DateTimeOffset.Parse("2024-03-02T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            Content = [new R4.DocumentReference.ContentComponent { Attachment = new R4.Attachment { ContentType = "application/pdf", Url = $"Binary/{binary.Id}" } }],
        }))!;

        var responses = new Dictionary<string, (HttpStatusCode Expected, string Path)>
        {
            ["CapabilityStatement"] = (HttpStatusCode.OK, "/metadata"),
            ["searchset"] = (HttpStatusCode.OK, "/Observation?code=8867-4&date=2024&_count=1"),
            ["history"] = (HttpStatusCode.OK, $"/Observation/{created.Id}/_history"),
            ["$everything"] = (HttpStatusCode.OK, $"/Patient/{patient.Id}/$everything"),
            ["Binary"] = (HttpStatusCode.OK, $"/Binary/{binary.Id}?_format=json"),
            ["Binary vread"] = (HttpStatusCode.OK, $"/Binary/{binary.Id}/_history/1?_format=json"),
            ["DocumentReference"] = (HttpStatusCode.OK, $"/DocumentReference/{document.Id}"),
            ["DocumentReference searchset"] = (HttpStatusCode.OK, "/DocumentReference?date=2024"),
            ["AuditEvent searchset"] = (HttpStatusCode.OK, $"/AuditEvent?patient=Patient/{patient.Id}"),
            ["OperationOutcome"] = (HttpStatusCode.NotFound, $"/Observation/{Guid.NewGuid()}"),
            ["OperationOutcome 400"] = (HttpStatusCode.BadRequest, "/Observation?code=a|b|c"),
            ["OperationOutcome Binary search"] = (HttpStatusCode.NotFound, "/Binary"),
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
                // Observation, Condition and DocumentReference; the Binary is reached through the document.
                Assert.Equal(3, new FhirJsonDeserializer().Deserialize<R4.Bundle>(json).Total);
            }
            if (name.StartsWith("Binary", StringComparison.Ordinal))
            {
                Assert.Equal("application/fhir+json", raw.Content.Headers.ContentType?.MediaType);
                Assert.Equal("Binary", new FhirJsonDeserializer().Deserialize<R4.Binary>(json).TypeName);
            }
        }
        var (readStatus, _, readRaw) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/AuditEvent/{auditEventId}", token);
        Assert.Equal(HttpStatusCode.OK, readStatus);
        foreach (var error in FhirSpecificationValidator.Errors(await readRaw.Content.ReadAsStringAsync()))
        {
            failures.AppendLine($"AuditEvent: {error}");
        }

        // The consent service's FHIR API: its CapabilityStatement, a Consent searchset and a read Consent.
        var (clinicianForConsent, _) = await platform.UserAsync(PlatformRoles.Clinician);
        var (granted, consent, _) = await platform.ConsentAsync(HttpMethod.Post, "/consents", token, new
        {
            grantee = new { kind = "practitioner", id = clinicianForConsent.Id },
            categories = new[] { "observation" },
            purposes = new[] { "TREAT" },
        });
        Assert.True(granted == HttpStatusCode.Created, consent.ToString());
        foreach (var (name, path) in new[]
        {
            ("consent CapabilityStatement", "/fhir/r4/metadata"),
            ("Consent searchset", $"/fhir/r4/Consent?patient=Patient/{patient.Id}"),
            ("Consent", $"/fhir/r4/Consent/{consent.GetProperty("id").GetString()}"),
        })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var response = await platform.Consent.Client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{name}: {(int)response.StatusCode}");
            foreach (var error in FhirSpecificationValidator.Errors(await response.Content.ReadAsStringAsync()))
            {
                failures.AppendLine($"{name}: {error}");
            }
        }
        Assert.True(failures.Length == 0, failures.ToString());
    }
}
