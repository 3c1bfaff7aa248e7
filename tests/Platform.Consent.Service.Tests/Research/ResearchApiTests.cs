using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Consent.Data;
using Platform.Contracts.Events;
using Platform.Messaging;
using Platform.Testing;
using static Platform.Consent.Service.Tests.Research.ResearchPeople;

namespace Platform.Consent.Service.Tests.Research;

/// <summary>Organisations and studies through the API: who may register, review and declare, and what each refusal says.</summary>
public sealed class ResearchApiTests(ConsentPlatform platform) : IClassFixture<ConsentPlatform>
{
    [Fact]
    public async Task Registering_an_organisation_needs_a_second_factor_and_a_verified_identity()
    {
        var (_, patientToken) = await platform.PatientAsync();
        var (noFactor, noFactorProblem) = await platform.CallAsync(HttpMethod.Post, "/research/organisations", patientToken, Organisation);
        Assert.Equal((HttpStatusCode.Forbidden, "second_factor_required"), (noFactor, Code(noFactorProblem)));

        var (person, token) = await PersonAsync(platform, verified: false);
        var (unverified, unverifiedProblem) = await platform.CallAsync(HttpMethod.Post, "/research/organisations", token, Organisation);
        Assert.Equal((HttpStatusCode.Forbidden, "representative_not_verified"), (unverified, Code(unverifiedProblem)));
        Assert.Equal(0, await OrganisationsOfAsync(person.Id));

        await VerifyAsync(platform, person.Id);
        var (created, organisation) = await platform.CallAsync(HttpMethod.Post, "/research/organisations", token, Organisation);
        Assert.Equal(HttpStatusCode.Created, created);
        Assert.Equal("pending", organisation.GetProperty("status").GetString());
        Assert.Equal(person.Id, organisation.GetProperty("representative").GetString());
        Assert.Equal("DE", organisation.GetProperty("country").GetString());
        var (_, mine) = await platform.CallAsync(HttpMethod.Get, "/research/organisations", token);
        Assert.Equal(organisation.GetProperty("id").GetString(), Assert.Single(mine.EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Only_a_reviewer_with_a_second_factor_reviews_an_organisation_and_only_once()
    {
        var reviewer = await ReviewerAsync(platform);
        var (id, representative) = await OrganisationAsync(platform);
        var (_, patient) = await platform.PatientAsync();
        var (_, clinician) = await platform.ClinicianAsync("openid consent.manage");
        var service = await platform.ServiceTokenAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{id}/verify", patient, new { })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{id}/verify", representative, new { })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{id}/verify", clinician, new { })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{id}/verify", service, new { })).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{id}/verify", null, new { })).Status);
        // Another patient cannot even see it; the reviewer sees it among the pending ones.
        Assert.Equal(HttpStatusCode.NotFound, (await platform.CallAsync(HttpMethod.Get, $"/research/organisations/{id}", patient)).Status);
        var (_, pending) = await platform.CallAsync(HttpMethod.Get, "/research/organisations?status=pending", reviewer);
        Assert.Contains(pending.EnumerateArray(), o => o.GetProperty("id").GetString() == id);

        var (noReason, noReasonProblem) = await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{id}/reject", reviewer, new { reason = " " });
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "review_reason_required"), (noReason, Code(noReasonProblem)));
        var (verified, organisation) = await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{id}/verify", reviewer, new { });
        Assert.Equal(HttpStatusCode.OK, verified);
        Assert.Equal("verified", organisation.GetProperty("status").GetString());
        var (again, againProblem) = await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{id}/reject", reviewer, new { reason = "changed my mind" });
        Assert.Equal((HttpStatusCode.Conflict, "organisation_not_pending"), (again, Code(againProblem)));
    }

    [Fact]
    public async Task A_reviewer_cannot_verify_an_organisation_they_represent()
    {
        var reviewerAccount = await Platform.Identity.Testing.TestAccounts.CreateAsync(
            platform.Identity.Service.Services, Platform.Identity.Accounts.PlatformRoles.KycReviewer);
        await VerifyAsync(platform, reviewerAccount.Id);
        var reviewer = await platform.UserTokenAsync(reviewerAccount);
        var (_, organisation) = await platform.CallAsync(HttpMethod.Post, "/research/organisations", reviewer, Organisation);
        var id = organisation.GetProperty("id").GetString();

        var (status, problem) = await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{id}/verify", reviewer, new { });

        Assert.Equal((HttpStatusCode.Forbidden, "self_review"), (status, Code(problem)));
    }

    [Fact]
    public async Task Only_the_representative_of_a_verified_organisation_declares_studies()
    {
        var reviewer = await ReviewerAsync(platform);
        var (pendingId, pendingRepresentative) = await OrganisationAsync(platform);
        var (pending, pendingProblem) = await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{pendingId}/studies", pendingRepresentative, Study());
        Assert.Equal((HttpStatusCode.Conflict, "organisation_not_verified"), (pending, Code(pendingProblem)));

        var (rejectedId, rejectedRepresentative) = await OrganisationAsync(platform);
        await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{rejectedId}/reject", reviewer, new { reason = "The registration number is not in the register." });
        var (rejected, rejectedProblem) = await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{rejectedId}/studies", rejectedRepresentative, Study());
        Assert.Equal((HttpStatusCode.Conflict, "organisation_not_verified"), (rejected, Code(rejectedProblem)));

        var (id, representative) = await OrganisationAsync(platform, verifiedBy: reviewer);
        var (_, stranger) = await PersonAsync(platform, verified: true);
        Assert.Equal(HttpStatusCode.NotFound, (await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{id}/studies", stranger, Study())).Status);
        // A reviewer reviews organisations; declaring for one is its representative's alone.
        Assert.Equal(HttpStatusCode.NotFound, (await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{id}/studies", reviewer, Study())).Status);
        Assert.Equal(0, await StudiesOfAsync(Guid.Parse(pendingId)) + await StudiesOfAsync(Guid.Parse(rejectedId)) + await StudiesOfAsync(Guid.Parse(id)));

        var (declared, study) = await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{id}/studies", representative, Study());
        Assert.Equal(HttpStatusCode.Created, declared);
        Assert.Equal(["observation", "condition"], study.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("per-export", study.GetProperty("compensation").GetProperty("basis").GetString());
        Assert.Equal(500, study.GetProperty("compensation").GetProperty("amountMinor").GetInt64());

        // Patients read a study's terms (not who represents the organisation); the organisation's list stays its own.
        var (_, patient) = await platform.PatientAsync();
        var (read, terms) = await platform.CallAsync(HttpMethod.Get, $"/research/studies/{study.GetProperty("id").GetString()}", patient);
        Assert.Equal(HttpStatusCode.OK, read);
        Assert.Equal("Institute of Synthetic Cohorts Ltd", terms.GetProperty("organisationName").GetString());
        Assert.False(terms.TryGetProperty("declaredBy", out _));
        Assert.Equal(HttpStatusCode.NotFound, (await platform.CallAsync(HttpMethod.Get, $"/research/organisations/{id}/studies", patient)).Status);
        var (_, listed) = await platform.CallAsync(HttpMethod.Get, $"/research/organisations/{id}/studies", representative);
        Assert.Single(listed.EnumerateArray());
    }

    [Fact]
    public async Task A_representative_whose_identity_was_revoked_declares_nothing()
    {
        var reviewer = await ReviewerAsync(platform);
        var (id, representative) = await OrganisationAsync(platform, verifiedBy: reviewer);
        var (_, organisation) = await platform.CallAsync(HttpMethod.Get, $"/research/organisations/{id}", representative);
        var subject = organisation.GetProperty("representative").GetString()!;

        await platform.Broker.PublishAsync(EventSerializer.ToOutgoing(new IdentityRevokedV1(subject, "credential_revoked") { Source = "identity" }));
        await Eventually.TrueAsync(async () => !await IsVerifiedAsync(platform, subject), "the revoked person is no longer verified");

        var (status, problem) = await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{id}/studies", representative, Study());
        Assert.Equal((HttpStatusCode.Forbidden, "representative_not_verified"), (status, Code(problem)));
    }

    [Theory]
    [InlineData("", "HRB 1", "DE", "Street 1", "invalid_legal_name")]
    [InlineData("Name\u0000Ltd", "HRB 1", "DE", "Street 1", "invalid_legal_name")]
    [InlineData("Name Ltd", "HRB 1; DROP TABLE", "DE", "Street 1", "invalid_registration_number")]
    [InlineData("Name Ltd", "HRB 1", "de", "Street 1", "invalid_country")]
    [InlineData("Name Ltd", "HRB 1", "DEU", "Street 1", "invalid_country")]
    [InlineData("Name Ltd", "HRB 1", "DE", "", "invalid_address")]
    public async Task Bad_organisation_details_are_refused_with_their_code(string legalName, string registrationNumber, string country, string address, string code)
    {
        var (person, token) = await PersonAsync(platform, verified: true);

        var (status, problem) = await platform.CallAsync(HttpMethod.Post, "/research/organisations", token,
            new { legalName, registrationNumber, country, registeredAddress = address });

        Assert.Equal((HttpStatusCode.UnprocessableEntity, code), (status, Code(problem)));
        Assert.Equal(0, await OrganisationsOfAsync(person.Id));
    }

    [Fact]
    public async Task Bad_study_terms_are_refused_with_their_code_and_nothing_is_stored()
    {
        var reviewer = await ReviewerAsync(platform);
        var (id, representative) = await OrganisationAsync(platform, verifiedBy: reviewer);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var cases = new (object Body, HttpStatusCode Status, string Code)[]
        {
            (Study(title: ""), HttpStatusCode.UnprocessableEntity, "invalid_title"),
            (Study(categories: []), HttpStatusCode.UnprocessableEntity, "no_categories"),
            (Study(categories: ["everything"]), HttpStatusCode.UnprocessableEntity, "unknown_category"),
            (Study(compensation: new { basis = "per-export", amountMinor = 0, currency = "EUR" }), HttpStatusCode.UnprocessableEntity, "invalid_compensation"),
            (Study(compensation: new { basis = "per-export", amountMinor = 100, currency = "euro" }), HttpStatusCode.UnprocessableEntity, "invalid_compensation"),
            (Study(compensation: new { basis = "per-click", amountMinor = 100, currency = "EUR" }), HttpStatusCode.UnprocessableEntity, "invalid_compensation"),
            (new { title = "t", protocolSummary = "p", ethicsApprovalReference = "e", categories = new[] { "observation" }, deidentificationLevel = "none",
                   startsOn = today.ToString("yyyy-MM-dd"), endsOn = today.AddDays(30).ToString("yyyy-MM-dd") }, HttpStatusCode.UnprocessableEntity, "unknown_deidentification_level"),
            (new { title = "t", protocolSummary = "p", ethicsApprovalReference = "e", categories = new[] { "observation" }, deidentificationLevel = "safe-harbor",
                   startsOn = today.ToString("yyyy-MM-dd"), endsOn = today.AddYears(20).ToString("yyyy-MM-dd") }, HttpStatusCode.UnprocessableEntity, "invalid_period"),
            (new { title = "t", protocolSummary = "p", ethicsApprovalReference = "e", categories = new[] { "observation" }, deidentificationLevel = "safe-harbor" },
                HttpStatusCode.UnprocessableEntity, "invalid_period"),
        };
        foreach (var (body, expectedStatus, expectedCode) in cases)
        {
            var (status, problem) = await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{id}/studies", representative, body);
            Assert.Equal((expectedStatus, expectedCode), (status, Code(problem)));
        }
        var (malformed, malformedProblem) = await platform.CallAsync(HttpMethod.Post, "/research/organisations/not-a-uuid/studies", representative, Study());
        Assert.Equal((HttpStatusCode.BadRequest, "malformed_id"), (malformed, Code(malformedProblem)));
        var (badStatus, _) = await platform.CallAsync(HttpMethod.Get, "/research/organisations?status=approved", reviewer);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        using var notJson = new StringContent("{\"title\":", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{id}/studies", representative, notJson)).Status);
        Assert.Equal(0, await StudiesOfAsync(Guid.Parse(id)));
    }

    private async Task<int> OrganisationsOfAsync(string representative)
    {
        using var scope = platform.Consent.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().ResearchOrganisations.CountAsync(o => o.Representative == representative);
    }

    private async Task<int> StudiesOfAsync(Guid organisation)
    {
        using var scope = platform.Consent.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().ResearchStudies.CountAsync(s => s.OrganisationId == organisation);
    }
}
