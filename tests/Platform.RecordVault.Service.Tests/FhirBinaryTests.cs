// Firely's models mark most elements nullable; a test that dereferences a missing one fails, which is the point.
#nullable disable warnings
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Hl7.Fhir.Rest;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Identity.Accounts;
using Platform.RecordVault.Data;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// Attachments as FHIR <c>Binary</c> through Firely's FhirClient, both ways the client moves them (a Binary resource
/// in JSON, and the raw bytes with their own type): create, read, vread, a DocumentReference pointing at
/// <c>Binary/{id}</c> (and refused when it points at nothing or at another patient's file), attachments of the record
/// API reachable as Binary, bad uploads refused with nothing stored, and a clinician's read under consent only —
/// refused as missing before consent, audited either way, and shown in the AuditEvent log as a Binary.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class FhirBinaryTests(VaultPlatform platform)
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n% a discharge letter\n%%EOF\n");
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

    private static R4.Binary Binary(string patient, byte[] data, string contentType) => new()
    {
        ContentType = contentType,
        Data = data,
        SecurityContext = new R4.ResourceReference("Patient/" + patient),
    };

    private static R4.DocumentReference Document(string patient, string url) => new()
    {
        Status = R4.DocumentReferenceStatus.Current,
        Subject = new R4.ResourceReference("Patient/" + patient),
        Content = [new R4.DocumentReference.ContentComponent { Attachment = new R4.Attachment { ContentType = "application/pdf", Url = url } }],
    };

    [Fact]
    public async Task A_patient_creates_a_Binary_reads_it_as_FHIR_and_as_bytes_and_a_DocumentReference_points_at_it()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var client = FhirApi.Client(platform, token);

        // As a Binary resource (base64 in JSON).
        var created = await client.CreateAsync(Binary(patient.Id, Pdf, "application/pdf"));
        Assert.Equal("1", created.Meta.VersionId);
        var read = await client.ReadAsync<R4.Binary>($"Binary/{created.Id}");
        Assert.Equal(Pdf, read.Data);
        Assert.Equal(("application/pdf", "Patient/" + patient.Id), (read.ContentType, read.SecurityContext.Reference));
        Assert.Equal(Pdf, (await client.ReadAsync<R4.Binary>($"Binary/{created.Id}/_history/1")).Data);
        var (jsonStatus, _, json) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/Binary/{created.Id}", token,
            headers: new Dictionary<string, string> { ["Accept"] = "application/fhir+json" });
        Assert.Equal(HttpStatusCode.OK, jsonStatus);
        Assert.Equal(Pdf, FhirApi.Valid<R4.Binary>(await json.Content.ReadAsStringAsync()).Data);

        // As the bytes themselves: their own type, a download (a PDF never renders inline), the version as ETag.
        var (rawStatus, _, raw) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/Binary/{created.Id}", token,
            headers: new Dictionary<string, string> { ["Accept"] = "application/pdf" });
        Assert.Equal(HttpStatusCode.OK, rawStatus);
        Assert.Equal("application/pdf", raw.Content.Headers.ContentType.MediaType);
        Assert.Equal(Pdf, await raw.Content.ReadAsByteArrayAsync());
        Assert.Equal("attachment", raw.Content.Headers.ContentDisposition.DispositionType);
        Assert.Equal("W/\"1\"", raw.Headers.ETag.ToString());

        // The client's raw mode: it sends the bytes with their type and the patient in X-Security-Context, and reads bytes back.
        var rawClient = FhirApi.Client(platform, token, binary: BinaryTransferBehaviour.UseData);
        var png = await rawClient.CreateAsync(Binary(patient.Id, Png, "image/png"));
        var pngRead = await rawClient.ReadAsync<R4.Binary>($"Binary/{png.Id}");
        Assert.Equal(Png, pngRead.Data);
        Assert.Equal("image/png", pngRead.ContentType);

        // A DocumentReference points at the Binary; the client follows the url.
        var document = await client.CreateAsync(Document(patient.Id, $"Binary/{created.Id}"));
        var followed = await client.ReadAsync<R4.Binary>(document.Content[0].Attachment.Url);
        Assert.Equal(Pdf, followed.Data);
        // An absolute url under this server's base is the same Binary.
        await client.CreateAsync(Document(patient.Id, new Uri(platform.Vault.Client.BaseAddress!, $"{FhirApi.Base}/Binary/{created.Id}").AbsoluteUri));

        // An attachment stored through the record API is a Binary too (id = record id).
        using var upload = new ByteArrayContent(Png);
        upload.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var (uploaded, body, _) = await platform.VaultAsync(HttpMethod.Post, $"/patients/{patient.Id}/records?category=imaging", token, upload);
        Assert.Equal(HttpStatusCode.Created, uploaded);
        Assert.Equal(Png, (await client.ReadAsync<R4.Binary>($"Binary/{body.GetProperty("id").GetString()}")).Data);
    }

    [Fact]
    public async Task Documents_pointing_at_no_attachment_of_the_patient_and_bad_uploads_are_refused_with_nothing_stored()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var (other, otherToken) = await platform.UserAsync(PlatformRoles.Patient);
        var client = FhirApi.Client(platform, token);
        var theirs = await FhirApi.Client(platform, otherToken).CreateAsync(Binary(other.Id, Pdf, "application/pdf"));
        var observation = await client.CreateAsync(FhirApi.Observation(patient.Id, "not a file"));
        var before = await RecordCountAsync(patient.Id);

        foreach (var url in new[] { $"Binary/{Guid.NewGuid()}", $"Binary/{theirs.Id}", $"Binary/{observation.Id}", "Binary/not-a-uuid" })
        {
            var refused = await Assert.ThrowsAsync<FhirOperationException>(() => client.CreateAsync(Document(patient.Id, url)));
            Assert.True(refused.Status == HttpStatusCode.UnprocessableEntity, url);
            Assert.Contains(refused.Outcome.Issue, i => i.Details.Coding.Any(c => c.Code == "unknown_binary"));
        }
        // Another patient's Binary, and an Observation's id, answer as missing as a random id.
        foreach (var id in new[] { theirs.Id, observation.Id, Guid.NewGuid().ToString() })
        {
            var missing = await Assert.ThrowsAsync<FhirOperationException>(() => client.ReadAsync<R4.Binary>($"Binary/{id}"));
            Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        }

        // HTML labelled as a PNG, a type outside the allowlist, a Binary for another patient, an unknown category.
        var uploads = new (string ContentType, byte[] Body, string Query, IDictionary<string, string> Headers, HttpStatusCode Expected)[]
        {
            ("image/png", "<html><script>alert(1)</script>"u8.ToArray(), "", new Dictionary<string, string>(), HttpStatusCode.UnprocessableEntity),
            ("text/html", "<html></html>"u8.ToArray(), "", new Dictionary<string, string>(), HttpStatusCode.UnsupportedMediaType),
            ("application/pdf", Pdf, "", new Dictionary<string, string> { ["X-Security-Context"] = "Patient/" + other.Id }, HttpStatusCode.Forbidden),
            ("application/pdf", Pdf, "?category=nonsense", new Dictionary<string, string>(), HttpStatusCode.UnprocessableEntity),
            ("application/fhir+json", "{\"resourceType\":\"Binary\",\"contentType\":\"application/pdf\"}"u8.ToArray(), "", new Dictionary<string, string>(), HttpStatusCode.UnprocessableEntity),
        };
        foreach (var (contentType, bytes, query, headers, expected) in uploads)
        {
            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            var (status, _, raw) = await platform.VaultAsync(HttpMethod.Post, $"{FhirApi.Base}/Binary{query}", token, content, headers);
            Assert.True(status == expected, $"{contentType}{query}: {status}");
            Assert.Equal("application/fhir+json", raw.Content.Headers.ContentType.MediaType);
            FhirApi.Valid<R4.OperationOutcome>(await raw.Content.ReadAsStringAsync());
        }
        Assert.Equal(before, await RecordCountAsync(patient.Id));
        Assert.Equal(1, await RecordCountAsync(other.Id));
    }

    [Fact]
    public async Task A_clinician_reads_a_Binary_only_under_consent_and_every_attempt_is_audited_as_a_Binary()
    {
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (clinician, clinicianToken) = await platform.UserAsync(PlatformRoles.Clinician);
        var letter = await FhirApi.Client(platform, patientToken).CreateAsync(Binary(patient.Id, Pdf, "application/pdf"));
        var theirs = FhirApi.Client(platform, clinicianToken);

        // No consent: the answer of a random id, word for word.
        var refused = await Assert.ThrowsAsync<FhirOperationException>(() => theirs.ReadAsync<R4.Binary>($"Binary/{letter.Id}"));
        var random = await Assert.ThrowsAsync<FhirOperationException>(() => theirs.ReadAsync<R4.Binary>($"Binary/{Guid.NewGuid()}"));
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (refused.Status, random.Status));
        Assert.Equal(random.Outcome.Issue[0].Details.Text, refused.Outcome.Issue[0].Details.Text);

        // A Binary uploaded without a category is a clinical note, as its DocumentReference would be.
        var (granted, consent, _) = await platform.ConsentAsync(HttpMethod.Post, "/consents", patientToken, new
        {
            grantee = new { kind = "practitioner", id = clinician.Id },
            categories = new[] { "clinical-note" },
            purposes = new[] { "TREAT" },
        });
        Assert.True(granted == HttpStatusCode.Created, consent.ToString());
        Assert.Equal(Pdf, (await theirs.ReadAsync<R4.Binary>($"Binary/{letter.Id}")).Data);

        using (var scope = platform.Vault.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
            var log = await db.AccessLog.AsNoTracking().Where(a => a.RecordId == Guid.Parse(letter.Id) && a.Actor == clinician.Id).ToListAsync();
            Assert.Equal(["deny", "permit"], log.Select(a => a.Outcome).Order());
        }

        // The patient's AuditEvent log names the Binary version read.
        var (status, _, raw) = await platform.VaultAsync(HttpMethod.Get, $"{FhirApi.Base}/AuditEvent?patient=Patient/{patient.Id}", patientToken);
        Assert.Equal(HttpStatusCode.OK, status);
        var events = FhirApi.Valid<R4.Bundle>(await raw.Content.ReadAsStringAsync()).Entry.Select(e => (R4.AuditEvent)e.Resource).ToList();
        Assert.Contains(events, e => e.Agent[0].Who.Reference == "Practitioner/" + clinician.Id && e.Outcome == R4.AuditEvent.AuditEventOutcome.N0
                                     && e.Entity.Any(x => x.What.Reference == $"Binary/{letter.Id}/_history/1"));
    }

    [Fact]
    public async Task A_document_naming_a_Binary_is_decided_on_consent_before_the_Binary_is_looked_up()
    {
        var (patient, patientToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (clinician, clinicianToken) = await platform.UserAsync(PlatformRoles.Clinician);
        var letter = await FhirApi.Client(platform, patientToken).CreateAsync(Binary(patient.Id, Pdf, "application/pdf"));
        var theirs = FhirApi.Client(platform, clinicianToken);
        var before = await RecordCountAsync(patient.Id);

        // May not write for the patient: the same refusal whether the Binary is the patient's file or names nothing,
        // so the refusal tells nothing about which files exist.
        var onReal = await Assert.ThrowsAsync<FhirOperationException>(() => theirs.CreateAsync(Document(patient.Id, $"Binary/{letter.Id}")));
        var onRandom = await Assert.ThrowsAsync<FhirOperationException>(() => theirs.CreateAsync(Document(patient.Id, $"Binary/{Guid.NewGuid()}")));
        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (onReal.Status, onRandom.Status));
        Assert.Equal(Codes(onRandom), Codes(onReal));
        Assert.Equal(onRandom.Outcome.Issue[0].Diagnostics, onReal.Outcome.Issue[0].Diagnostics);
        Assert.DoesNotContain("unknown_binary", Codes(onReal));

        // Once consent lets them write clinical notes, the Binary is checked: a random id is refused, the file accepted.
        var (granted, consent, _) = await platform.ConsentAsync(HttpMethod.Post, "/consents", patientToken, new
        {
            grantee = new { kind = "practitioner", id = clinician.Id },
            categories = new[] { "clinical-note" },
            purposes = new[] { "TREAT" },
            actions = new[] { "access", "correct" },
        });
        Assert.True(granted == HttpStatusCode.Created, consent.ToString());
        var unknown = await Assert.ThrowsAsync<FhirOperationException>(() => theirs.CreateAsync(Document(patient.Id, $"Binary/{Guid.NewGuid()}")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.Status);
        Assert.Contains("unknown_binary", Codes(unknown));
        Assert.Equal(before, await RecordCountAsync(patient.Id));
        var document = await theirs.CreateAsync(Document(patient.Id, $"Binary/{letter.Id}"));
        Assert.Equal($"Binary/{letter.Id}", document.Content[0].Attachment.Url);

        // An update follows the same order: once the write is permitted, a random Binary is refused, nothing stored.
        document.Content[0].Attachment.Url = $"Binary/{Guid.NewGuid()}";
        var badUpdate = await Assert.ThrowsAsync<FhirOperationException>(() => theirs.UpdateAsync(document));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badUpdate.Status);
        Assert.Equal("1", (await theirs.ReadAsync<R4.DocumentReference>($"DocumentReference/{document.Id}")).Meta.VersionId);
    }

    private static string[] Codes(FhirOperationException ex) =>
        ex.Outcome.Issue.SelectMany(i => i.Details?.Coding ?? []).Select(c => c.Code).ToArray();

    private async Task<int> RecordCountAsync(string patient)
    {
        using var scope = platform.Vault.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>().Records.CountAsync(r => r.Patient == patient);
    }
}
