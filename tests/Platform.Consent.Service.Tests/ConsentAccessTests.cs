using System.Net;
using System.Text;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;

namespace Platform.Consent.Service.Tests;

/// <summary>Who may do what: patient, other patient, clinician, service, admin, anonymous — and bad input.</summary>
public sealed class ConsentAccessTests(ConsentPlatform platform) : IClassFixture<ConsentPlatform>
{
    private static readonly object Grant = new
    {
        grantee = new { kind = "practitioner", id = "clinician-0000001" },
        categories = new[] { "observation" },
        purposes = new[] { "TREAT" },
    };

    [Fact]
    public async Task A_patient_cannot_see_or_change_another_patients_consents()
    {
        var (owner, ownerToken) = await platform.PatientAsync();
        var (_, otherToken) = await platform.PatientAsync();
        var (_, consent) = await platform.CallAsync(HttpMethod.Post, "/consents", ownerToken, Grant);
        var id = consent.GetProperty("id").GetString();

        Assert.Equal(HttpStatusCode.NotFound, (await platform.CallAsync(HttpMethod.Get, $"/consents/{id}", otherToken)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await platform.CallAsync(HttpMethod.Post, $"/consents/{id}/revoke", otherToken, new { })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await platform.CallAsync(HttpMethod.Patch, $"/consents/{id}", otherToken, new { purposes = new[] { "TREAT" } })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.CallAsync(HttpMethod.Get, $"/consents?subject={owner.Id}", otherToken)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.CallAsync(HttpMethod.Post, "/consents", otherToken, new
        {
            subject = owner.Id,
            grantee = new { kind = "practitioner", id = "clinician-0000001" },
            categories = new[] { "observation" },
            purposes = new[] { "TREAT" },
        })).Status);
        var (_, list) = await platform.CallAsync(HttpMethod.Get, "/consents", otherToken);
        Assert.Equal(0, list.GetArrayLength());
        var (_, still) = await platform.CallAsync(HttpMethod.Get, $"/consents/{id}", ownerToken);
        Assert.Equal("active", still.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Clinicians_services_and_anonymous_callers_cannot_use_the_patient_api_and_patients_cannot_ask_for_decisions()
    {
        var (_, patientToken) = await platform.PatientAsync();
        var clinician = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Clinician);
        var clinicianToken = await platform.UserTokenAsync(clinician);
        var serviceToken = await platform.ServiceTokenAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await platform.CallAsync(HttpMethod.Get, "/consents", null)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.CallAsync(HttpMethod.Get, "/consents", clinicianToken)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.CallAsync(HttpMethod.Post, "/consents", serviceToken, Grant)).Status);
        var decision = new { subject = "patient-0000001", actor = "clinician-0000001", category = "observation", purpose = "TREAT" };
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.CallAsync(HttpMethod.Post, "/decisions", patientToken, decision)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await platform.CallAsync(HttpMethod.Post, "/decisions", clinicianToken, decision)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await platform.CallAsync(HttpMethod.Post, "/decisions", null, decision)).Status);
        Assert.Equal(HttpStatusCode.OK, (await platform.CallAsync(HttpMethod.Post, "/decisions", serviceToken, decision)).Status);
    }

    [Fact]
    public async Task An_admin_acts_for_a_patient_only_with_a_stated_reason_which_is_kept_in_the_history()
    {
        var (patient, patientToken) = await platform.PatientAsync();
        var admin = await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.Admin);
        var adminToken = await platform.UserTokenAsync(admin, "openid consent.manage");
        var grant = new
        {
            subject = patient.Id,
            grantee = new { kind = "organization", id = "hospital-0000001" },
            categories = new[] { "immunization" },
            purposes = new[] { "TREAT" },
        };

        var (missing, problem) = await platform.CallAsync(HttpMethod.Post, "/consents", adminToken, grant);
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Equal("audit_reason_required", problem.GetProperty("code").GetString());

        // Granting on the patient's behalf takes a second admin (OnBehalfTests); one admin alone is refused.
        var (alone, aloneProblem) = await platform.CallAsync(HttpMethod.Post, "/consents", adminToken, grant, auditReason: "patient request by phone, ticket 4711");
        Assert.Equal((HttpStatusCode.Forbidden, "four_eyes_required"), (alone, aloneProblem.GetProperty("code").GetString()));

        var (_, consent) = await platform.CallAsync(HttpMethod.Post, "/consents", patientToken, new { grant.grantee, grant.categories, grant.purposes });
        var id = consent.GetProperty("id").GetString();
        var (revoked, _) = await platform.CallAsync(HttpMethod.Post, $"/consents/{id}/revoke", adminToken, new { }, auditReason: "patient request by phone, ticket 4711");
        Assert.Equal(HttpStatusCode.OK, revoked);
        var (_, read) = await platform.CallAsync(HttpMethod.Get, $"/consents/{id}", adminToken, auditReason: "verification");
        var second = read.GetProperty("history")[1];
        Assert.Equal(admin.Id, second.GetProperty("changedBy").GetString());
        Assert.Equal("patient request by phone, ticket 4711", second.GetProperty("reason").GetString());
    }

    public static TheoryData<string, string> BadGrants => new()
    {
        { """{"grantee":{"kind":"practitioner","id":"clinician-0000001"},"categories":["x-rays-of-my-cat"],"purposes":["TREAT"]}""", "unknown_category" },
        { """{"grantee":{"kind":"practitioner","id":"clinician-0000001"},"categories":["observation"],"purposes":["FUN"]}""", "unknown_purpose" },
        { """{"grantee":{"kind":"practitioner","id":"clinician-0000001"},"categories":["observation"],"purposes":["TREAT"],"validFrom":"2031-01-02T00:00:00Z","validUntil":"2031-01-01T00:00:00Z"}""", "end_before_start" },
        { """{"grantee":{"kind":"practitioner","id":"bad id!"},"categories":["observation"],"purposes":["TREAT"]}""", "malformed_grantee" },
        { """{"grantee":{"kind":"robot","id":"clinician-0000001"},"categories":["observation"],"purposes":["TREAT"]}""", "malformed_grantee" },
        { """{"grantee":{"kind":"practitioner","id":"clinician-0000001"},"categories":[],"purposes":["TREAT"]}""", "no_categories" },
        // Issue 17, finding 15: sentinel dates are not a period.
        { """{"grantee":{"kind":"practitioner","id":"clinician-0000001"},"categories":["observation"],"purposes":["TREAT"],"validFrom":"0001-01-01T00:00:00Z"}""", "period_out_of_range" },
        { """{"grantee":{"kind":"practitioner","id":"clinician-0000001"},"categories":["observation"],"purposes":["TREAT"],"validUntil":"9999-12-31T00:00:00Z"}""", "period_out_of_range" },
    };

    [Theory]
    [MemberData(nameof(BadGrants))]
    public async Task Bad_grants_are_refused_with_a_code_and_nothing_is_stored(string json, string code)
    {
        var (_, token) = await platform.PatientAsync();
        var (status, problem) = await platform.CallAsync(HttpMethod.Post, "/consents", token, new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        var (_, list) = await platform.CallAsync(HttpMethod.Get, "/consents", token);
        Assert.Equal(0, list.GetArrayLength());
    }

    [Fact]
    public async Task Malformed_ids_bodies_and_oversize_requests_get_problem_json()
    {
        var (_, token) = await platform.PatientAsync();
        var service = await platform.ServiceTokenAsync();
        var (malformedId, idProblem) = await platform.CallAsync(HttpMethod.Get, "/consents/not-a-uuid", token);
        Assert.Equal(HttpStatusCode.BadRequest, malformedId);
        Assert.Equal("malformed_id", idProblem.GetProperty("code").GetString());

        Assert.Equal(HttpStatusCode.BadRequest, (await platform.CallAsync(HttpMethod.Post, "/consents", token, new StringContent("{not json", Encoding.UTF8, "application/json"))).Status);
        var huge = "{\"grantee\":{\"kind\":\"practitioner\",\"id\":\"clinician-0000001\"},\"categories\":[" + string.Join(',', Enumerable.Repeat("\"observation\"", 3000)) + "],\"purposes\":[\"TREAT\"]}";
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await platform.CallAsync(HttpMethod.Post, "/consents", token, new StringContent(huge, Encoding.UTF8, "application/json"))).Status);

        var (badActor, actorProblem) = await platform.CallAsync(HttpMethod.Post, "/decisions", service, new { subject = "patient-0000001", actor = "x", category = "observation", purpose = "TREAT" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badActor);
        Assert.Equal("malformed_actor", actorProblem.GetProperty("code").GetString());
        var (badCategory, categoryProblem) = await platform.CallAsync(HttpMethod.Post, "/decisions", service, new { subject = "patient-0000001", actor = "clinician-0000001", category = "gossip", purpose = "TREAT" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badCategory);
        Assert.Equal("unknown_category", categoryProblem.GetProperty("code").GetString());
    }
}
