using System.Net;
using System.Text.Json;
using Platform.Identity.Testing;
using Platform.Ledger.Verification;
using Platform.Testing;
using static Platform.Consent.Service.Tests.Research.ResearchPeople;

namespace Platform.Consent.Service.Tests.Research;

/// <summary>Patients opt in to and out of studies; the record vault asks for a study's consent set.</summary>
public sealed class ResearchParticipationTests(ConsentPlatform platform) : IClassFixture<ConsentPlatform>
{
    [Fact]
    public async Task An_opt_in_is_a_signed_research_consent_with_a_receipt_and_an_opt_out_leaves_the_consent_set()
    {
        var reviewer = await ReviewerAsync(platform);
        var (organisation, representative) = await OrganisationAsync(platform, verifiedBy: reviewer);
        var (_, study) = await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{organisation}/studies", representative, Study(categories: ["observation"]));
        var studyId = study.GetProperty("id").GetString()!;
        var (patient, token) = await platform.PatientAsync();
        var service = await platform.ServiceTokenAsync();

        var (_, before) = await platform.CallAsync(HttpMethod.Get, "/research/invitations", token);
        var invitation = Assert.Single(before.EnumerateArray(), i => i.GetProperty("study").GetProperty("id").GetString() == studyId);
        Assert.Equal(JsonValueKind.Null, invitation.GetProperty("optInConsentId").ValueKind);

        var (optedIn, consent) = await platform.CallAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-in", token, new { });
        Assert.Equal(HttpStatusCode.Created, optedIn);
        var consentId = consent.GetProperty("id").GetString()!;
        Assert.Equal(["HRESCH"], consent.GetProperty("purposes").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(["observation"], consent.GetProperty("categories").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("study-" + Guid.Parse(studyId).ToString("N"), consent.GetProperty("grantee").GetProperty("id").GetString());
        var (again, againProblem) = await platform.CallAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-in", token, new { });
        Assert.Equal((HttpStatusCode.Conflict, "already_opted_in"), (again, Code(againProblem)));

        // Like every consent: a receipt from the ledger that verifies.
        JsonElement committed = default;
        await Eventually.TrueAsync(async () =>
        {
            (_, committed) = await platform.CallAsync(HttpMethod.Get, $"/consents/{consentId}", token);
            return committed.GetProperty("history")[0].GetProperty("receipt").ValueKind == JsonValueKind.Object;
        }, "the opt-in's receipt", TimeSpan.FromSeconds(30));
        var receipt = committed.GetProperty("history")[0].GetProperty("receipt").Deserialize<Receipt>(JsonSerializerOptions.Web)!;
        var verified = ReceiptVerifier.Verify(receipt, await platform.LedgerKeysAsync());
        Assert.True(verified.IsValid, verified.Reason);
        var payload = Jwt.Payload(committed.GetProperty("history")[0].GetProperty("signedEvent").GetString()!);
        Assert.DoesNotContain(patient.Id, payload.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(Guid.Parse(studyId).ToString("N"), payload.GetRawText(), StringComparison.Ordinal);

        var (_, listed) = await platform.CallAsync(HttpMethod.Get, "/research/invitations", token);
        Assert.Equal(consentId, listed.EnumerateArray().Single(i => i.GetProperty("study").GetProperty("id").GetString() == studyId).GetProperty("optInConsentId").GetString());
        var (setStatus, set) = await platform.CallAsync(HttpMethod.Get, $"/research/studies/{studyId}/consent-set", service);
        Assert.Equal(HttpStatusCode.OK, setStatus);
        var participant = Assert.Single(set.GetProperty("participants").EnumerateArray());
        Assert.Equal(patient.Id, participant.GetProperty("patient").GetString());
        Assert.Equal(consentId, participant.GetProperty("consentId").GetString());
        Assert.True(set.GetProperty("organisationVerified").GetBoolean());
        var hashWithPatient = set.GetProperty("consentSetHash").GetString()!;
        Assert.Matches("^[0-9a-f]{64}$", hashWithPatient);
        var (_, decision) = await platform.CallAsync(HttpMethod.Post, "/decisions", service, new
        {
            subject = patient.Id, actor = "study-" + Guid.Parse(studyId).ToString("N"), actorKind = "organization", category = "observation", purpose = "HRESCH", action = "access",
        });
        Assert.Equal("permit", decision.GetProperty("decision").GetString());

        var (optedOut, revoked) = await platform.CallAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-out", token, new { });
        Assert.Equal(HttpStatusCode.OK, optedOut);
        Assert.Equal("revoked", revoked.GetProperty("status").GetString());
        var (_, after) = await platform.CallAsync(HttpMethod.Get, $"/research/studies/{studyId}/consent-set", service);
        Assert.Equal(0, after.GetProperty("participants").GetArrayLength());
        Assert.NotEqual(hashWithPatient, after.GetProperty("consentSetHash").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await platform.CallAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-out", token, new { })).Status);
    }

    [Fact]
    public async Task Only_patients_opt_in_only_services_read_a_consent_set_and_a_pending_organisations_study_takes_no_one()
    {
        var reviewer = await ReviewerAsync(platform);
        var (organisation, representative) = await OrganisationAsync(platform, verifiedBy: reviewer);
        var (_, study) = await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{organisation}/studies", representative, Study());
        var studyId = study.GetProperty("id").GetString()!;
        var (_, patient) = await platform.PatientAsync();
        var (_, clinician) = await platform.ClinicianAsync("openid consent.manage");
        var service = await platform.ServiceTokenAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await platform.CallAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-in", clinician, new { })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.CallAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-in", service, new { })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await platform.CallAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-in", null, new { })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.CallAsync(HttpMethod.Get, $"/research/studies/{studyId}/consent-set", patient)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.CallAsync(HttpMethod.Get, $"/research/studies/{studyId}/consent-set", representative)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await platform.CallAsync(HttpMethod.Post, $"/research/studies/{Guid.NewGuid()}/opt-in", patient, new { })).Status);
        var (malformed, malformedProblem) = await platform.CallAsync(HttpMethod.Post, "/research/studies/not-a-uuid/opt-in", patient, new { });
        Assert.Equal((HttpStatusCode.BadRequest, "malformed_id"), (malformed, Code(malformedProblem)));

        // An organisation rejected after a study was declared would be refused; a pending one cannot declare at all,
        // so the study's organisation is made unverified in the database, as a later suspension would.
        using (var scope = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.CreateScope(platform.Consent.Services))
        {
            var db = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Platform.Consent.Data.ConsentDbContext>(scope.ServiceProvider);
            var row = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.ResearchOrganisations, o => o.Id == Guid.Parse(organisation));
            row.Status = "rejected";
            await db.SaveChangesAsync();
        }
        var (refused, refusedProblem) = await platform.CallAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-in", patient, new { });
        Assert.Equal((HttpStatusCode.Conflict, "organisation_not_verified"), (refused, Code(refusedProblem)));
        var (_, invitations) = await platform.CallAsync(HttpMethod.Get, "/research/invitations", patient);
        Assert.DoesNotContain(invitations.EnumerateArray(), i => i.GetProperty("study").GetProperty("id").GetString() == studyId);
    }
}
