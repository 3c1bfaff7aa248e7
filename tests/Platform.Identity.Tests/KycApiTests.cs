using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Platform.Identity.Accounts;
using Platform.Identity.Kyc;
using Platform.Identity.Testing;
using Platform.Identity.Verification;

namespace Platform.Identity.Tests;

/// <summary>KYC over the API: auto-approval, manual review by a reviewer, the rules around decisions, encrypted evidence, bad input.</summary>
public sealed class KycApiTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task A_clean_application_is_approved_automatically_and_activates_a_waiting_clinician()
    {
        var clinician = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Clinician, activated: false);
        var token = await TokenAsync(clinician);
        var (_, started) = await CallAsync(HttpMethod.Post, "/kyc/cases", token);
        var id = started.GetProperty("id").GetString();

        var documentNumber = "C" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var application = JsonSerializer.SerializeToNode(KycApplications.Application("ERIKA", "MUSTERMANN", documentNumber, new DateOnly(1984, 8, 12)))!.AsObject();
        application["documentImage"] = Convert.ToBase64String([0xFF, 0xD8, 0xFF, 0xE0, .. Encoding.ASCII.GetBytes("document scan")]);
        application["documentImageType"] = "image/jpeg";
        var (status, kycCase) = await CallAsync(HttpMethod.Post, $"/kyc/cases/{id}/evidence", token, application);
        Assert.True(status == HttpStatusCode.OK, kycCase.ToString());
        Assert.Equal("Approved", kycCase.GetProperty("state").GetString());
        Assert.Equal("substantial", kycCase.GetProperty("assuranceLevel").GetString());
        Assert.All(kycCase.GetProperty("checks").EnumerateArray(), c => Assert.True(c.GetProperty("passed").GetBoolean(), c.ToString()));

        using var scope = Server.Service.Services.CreateScope();
        var user = await scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>().FindByIdAsync(clinician.Id);
        Assert.Equal("kyc", user!.ClinicianActivatedBy);
        // Activated by the verified identity: the clinician now gets a records token.
        using var session = new FormSession(Server.BaseAddress);
        var records = await new CodeFlow(session).SignInThroughPortalAsync(clinician, "openid records");
        Assert.Contains("record-vault", Jwt.Strings(Jwt.Payload(records.GetProperty("access_token").GetString()!), "aud"));

        // Nothing identifying is stored in clear: not the document number, not the family name.
        var files = Directory.GetFiles(Server.Service.DataDirectory, "identity.db*");
        var bytes = files.SelectMany(File.ReadAllBytes).ToArray();
        Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(documentNumber)));
        Assert.Equal(-1, bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes("MUSTERMANN")));
    }

    [Fact]
    public async Task An_inconsistent_application_goes_to_a_reviewer_who_opens_the_evidence_and_decides_once()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var token = await TokenAsync(patient);
        var (_, started) = await CallAsync(HttpMethod.Post, "/kyc/cases", token);
        var id = started.GetProperty("id").GetString();
        // The form's birth date differs from the document's: the consistency check fails and routes to a human.
        var body = KycApplications.Application("JONAS", "BEISPIEL", "D" + Random.Shared.Next(10_000_000, 99_999_999), new DateOnly(1990, 1, 15), formBirthDate: "1990-02-15");
        var (_, review) = await CallAsync(HttpMethod.Post, $"/kyc/cases/{id}/evidence", token, body);
        Assert.Equal("ManualReview", review.GetProperty("state").GetString());

        var reviewer = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.KycReviewer);
        var reviewerToken = await TokenAsync(reviewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync(HttpMethod.Get, "/kyc/review", token)).Status);
        var (_, queue) = await CallAsync(HttpMethod.Get, "/kyc/review", reviewerToken);
        Assert.Contains(queue.EnumerateArray(), c => c.GetProperty("id").GetString() == id);
        var (evidenceStatus, evidence) = await CallAsync(HttpMethod.Get, $"/kyc/cases/{id}/evidence", reviewerToken);
        Assert.Equal(HttpStatusCode.OK, evidenceStatus);
        Assert.Contains("BEISPIEL", evidence.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await CallAsync(HttpMethod.Get, $"/kyc/cases/{id}/evidence", token)).Status);

        var version = review.GetProperty("version").GetInt32();
        var first = CallAsync(HttpMethod.Post, $"/kyc/cases/{id}/decision", reviewerToken, new { decision = "approve", reason = "birth date typo, document checked", expectedVersion = version });
        var second = CallAsync(HttpMethod.Post, $"/kyc/cases/{id}/decision", reviewerToken, new { decision = "reject", reason = "racing decision", expectedVersion = version });
        var results = await Task.WhenAll(first, second);
        Assert.Single(results, r => r.Status == HttpStatusCode.OK);
        Assert.Single(results, r => r.Status == HttpStatusCode.Conflict);
        var (_, decided) = await CallAsync(HttpMethod.Get, $"/kyc/cases/{id}", token);
        Assert.Contains(decided.GetProperty("state").GetString(), new[] { "Approved", "Rejected" });
        Assert.Equal(reviewer.Id, decided.GetProperty("decidedBy").GetString());
    }

    [Fact]
    public async Task A_document_already_used_by_another_account_routes_the_second_case_to_review()
    {
        var documentNumber = "J" + Random.Shared.Next(10_000_000, 99_999_999);
        var first = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var second = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var states = new List<JsonElement>();
        foreach (var account in new[] { first, second })
        {
            var token = await TokenAsync(account);
            var (_, started) = await CallAsync(HttpMethod.Post, "/kyc/cases", token);
            var application = JsonSerializer.SerializeToNode(KycApplications.Application("PAULA", "ZWEIMAL", documentNumber, new DateOnly(1982, 2, 2)))!.AsObject();
            application["documentImage"] = Convert.ToBase64String([0xFF, 0xD8, 0xFF, 0xE0]);
            application["documentImageType"] = "image/jpeg";
            var (_, kycCase) = await CallAsync(HttpMethod.Post, $"/kyc/cases/{started.GetProperty("id").GetString()}/evidence", token, application);
            states.Add(kycCase);
        }
        Assert.Equal("Approved", states[0].GetProperty("state").GetString());
        Assert.Equal("ManualReview", states[1].GetProperty("state").GetString());
        Assert.Contains(states[1].GetProperty("checks").EnumerateArray(), c => c.GetProperty("code").GetString() == KycCheckCodes.DuplicateIdentity && !c.GetProperty("passed").GetBoolean());
    }

    [Fact]
    public async Task A_reviewer_cannot_decide_their_own_case()
    {
        var reviewer = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.KycReviewer);
        var token = await TokenAsync(reviewer);
        var (_, started) = await CallAsync(HttpMethod.Post, "/kyc/cases", token);
        var id = started.GetProperty("id").GetString();
        var (_, review) = await CallAsync(HttpMethod.Post, $"/kyc/cases/{id}/evidence", token,
            KycApplications.Application("RUTH", "SELBST", "E" + Random.Shared.Next(10_000_000, 99_999_999), new DateOnly(1980, 3, 3), formBirthDate: "1980-03-04"));
        Assert.Equal("ManualReview", review.GetProperty("state").GetString());

        var (status, problem) = await CallAsync(HttpMethod.Post, $"/kyc/cases/{id}/decision", token, new { decision = "approve", reason = "looks fine to me" });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("reviewer_is_owner", problem.GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("birthDate", "15.01.1990", HttpStatusCode.UnprocessableEntity, "malformed_birth_date")]
    [InlineData("mrz", "", HttpStatusCode.UnprocessableEntity, "mrz_required")]
    [InlineData("documentImageType", "image/gif", HttpStatusCode.UnsupportedMediaType, "unsupported_image_type")]
    [InlineData("familyName", "", HttpStatusCode.UnprocessableEntity, "incomplete_form")]
    public async Task Bad_applications_are_refused_and_leave_the_case_unchanged(string field, string value, HttpStatusCode expected, string code)
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var token = await TokenAsync(patient);
        var (_, started) = await CallAsync(HttpMethod.Post, "/kyc/cases", token);
        var id = started.GetProperty("id").GetString();
        var body = JsonSerializer.SerializeToNode(KycApplications.Application("ANNA", "MUSTER", "F12345678", new DateOnly(1975, 5, 5)))!.AsObject();
        body["documentImage"] = Convert.ToBase64String([0xFF, 0xD8, 0xFF, 0xE0]);
        body["documentImageType"] = "image/jpeg";
        body[field] = value;

        var (status, problem) = await CallAsync(HttpMethod.Post, $"/kyc/cases/{id}/evidence", token, body);
        Assert.Equal(expected, status);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        var (_, unchanged) = await CallAsync(HttpMethod.Get, $"/kyc/cases/{id}", token);
        Assert.Equal("Registered", unchanged.GetProperty("state").GetString());
    }

    [Fact]
    public async Task An_image_over_the_size_limit_is_refused_and_leaves_the_case_unchanged()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var token = await TokenAsync(patient);
        var (_, started) = await CallAsync(HttpMethod.Post, "/kyc/cases", token);
        var id = started.GetProperty("id").GetString();
        var limit = Server.Service.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<KycOptions>>().Value.MaxImageBytes;
        var image = new byte[limit + 1];
        image[0] = 0xFF; image[1] = 0xD8; image[2] = 0xFF; image[3] = 0xE0; // a JPEG's magic, so only the size is wrong
        var body = JsonSerializer.SerializeToNode(KycApplications.Application("ANNA", "MUSTER", "F12345678", new DateOnly(1975, 5, 5)))!.AsObject();
        body["documentImage"] = Convert.ToBase64String(image);
        body["documentImageType"] = "image/jpeg";

        var (status, problem) = await CallAsync(HttpMethod.Post, $"/kyc/cases/{id}/evidence", token, body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("too_large", problem.GetProperty("code").GetString());
        var (_, unchanged) = await CallAsync(HttpMethod.Get, $"/kyc/cases/{id}", token);
        Assert.Equal("Registered", unchanged.GetProperty("state").GetString());
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("APPROVE")]
    [InlineData(null)]
    public async Task A_decision_other_than_approve_or_reject_is_refused_and_the_case_stays_in_review(string? decision)
    {
        var owner = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var ownerToken = await TokenAsync(owner);
        var (_, started) = await CallAsync(HttpMethod.Post, "/kyc/cases", ownerToken);
        var id = started.GetProperty("id").GetString();
        var (_, review) = await CallAsync(HttpMethod.Post, $"/kyc/cases/{id}/evidence", ownerToken,
            KycApplications.Application("OTTO", "UNSICHER", "E" + Random.Shared.Next(10_000_000, 99_999_999), new DateOnly(1981, 4, 4), formBirthDate: "1981-04-05"));
        Assert.Equal("ManualReview", review.GetProperty("state").GetString());
        var reviewer = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.KycReviewer);
        var reviewerToken = await TokenAsync(reviewer);

        var (status, problem) = await CallAsync(HttpMethod.Post, $"/kyc/cases/{id}/decision", reviewerToken, new { decision, reason = "checked" });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("invalid_decision", problem.GetProperty("code").GetString());
        var (_, unchanged) = await CallAsync(HttpMethod.Get, $"/kyc/cases/{id}", reviewerToken);
        Assert.Equal("ManualReview", unchanged.GetProperty("state").GetString());
        Assert.Equal(review.GetProperty("version").GetInt32(), unchanged.GetProperty("version").GetInt32());
    }

    private async Task<string> TokenAsync(TestAccount account)
    {
        using var session = new FormSession(Server.BaseAddress);
        return (await new CodeFlow(session).SignInThroughPortalAsync(account, "openid kyc")).GetProperty("access_token").GetString()!;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        using var response = await Server.Service.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
