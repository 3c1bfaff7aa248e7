using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Hosting.Idempotency;
using Platform.Identity.Accounts;
using Platform.Identity.Data;
using Platform.Identity.Testing;
using Platform.Testing;

namespace Platform.Identity.Tests;

/// <summary>
/// Idempotency-Key on the KYC writes (open a case, submit evidence, decide): a retried submission is not a second
/// submission and a retried decision is not refused as a second one; misuse of a key gets the draft's errors.
/// </summary>
public sealed class KycIdempotencyTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task A_retried_evidence_submission_and_decision_take_effect_once_and_answer_as_the_first_time()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var token = await TokenAsync(patient);
        var caseKey = Guid.NewGuid().ToString();
        using var opened = await SendAsync(HttpMethod.Post, "/kyc/cases", token, caseKey, null);
        using var openedAgain = await SendAsync(HttpMethod.Post, "/kyc/cases", token, caseKey, null);
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        Assert.Equal(opened.Headers.Location, openedAgain.Headers.Location);
        Assert.Equal("no-store", openedAgain.Headers.CacheControl?.ToString());
        var id = Guid.Parse(JsonDocument.Parse(await opened.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!);

        // A birth date mismatch routes the case to a reviewer, so a decision follows.
        var application = KycApplications.Application("IDA", "WIEDERHOLT", "R" + Random.Shared.Next(10_000_000, 99_999_999), new DateOnly(1991, 3, 4), formBirthDate: "1991-04-04");
        var evidenceKey = Guid.NewGuid().ToString();
        using var submitted = await SendAsync(HttpMethod.Post, $"/kyc/cases/{id}/evidence", token, evidenceKey, application);
        using var resubmitted = await SendAsync(HttpMethod.Post, $"/kyc/cases/{id}/evidence", token, evidenceKey, application);
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        var submittedBody = await submitted.Content.ReadAsStringAsync();
        Assert.Equal(submittedBody, await resubmitted.Content.ReadAsStringAsync());
        var review = JsonDocument.Parse(submittedBody).RootElement;
        Assert.Equal("ManualReview", review.GetProperty("state").GetString());
        Assert.Equal(1, review.GetProperty("submissions").GetInt32());

        var reviewer = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.KycReviewer);
        var reviewerToken = await TokenAsync(reviewer);
        var decisionKey = Guid.NewGuid().ToString();
        var decision = new { decision = "approve", reason = "month typo, document checked", expectedVersion = review.GetProperty("version").GetInt32() };
        using var decided = await SendAsync(HttpMethod.Post, $"/kyc/cases/{id}/decision", reviewerToken, decisionKey, decision);
        // Without the key this retry would be a 409 (the case is no longer in review); with it, the first answer.
        using var decidedAgain = await SendAsync(HttpMethod.Post, $"/kyc/cases/{id}/decision", reviewerToken, decisionKey, decision);
        Assert.Equal(HttpStatusCode.OK, decided.StatusCode);
        Assert.Equal(HttpStatusCode.OK, decidedAgain.StatusCode);
        Assert.Equal(await decided.Content.ReadAsStringAsync(), await decidedAgain.Content.ReadAsStringAsync());

        await using var scope = Server.Service.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>();
        Assert.Equal(1, await db.KycCases.CountAsync(c => c.OwnerId == patient.Id));
        var evidenceRows = await db.KycEvidence.CountAsync(e => e.CaseId == id);
        using var fresh = await SendAsync(HttpMethod.Get, $"/kyc/cases/{id}", token, null, null);
        var state = JsonDocument.Parse(await fresh.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Approved", state.GetProperty("state").GetString());
        Assert.Equal(1, state.GetProperty("submissions").GetInt32());
        Assert.True(evidenceRows is > 0 and <= 3, $"{evidenceRows} evidence rows for one submission");
        // The stored answers hold no personal data: the form's family name is in no idempotency row.
        var stored = await db.Set<IdempotencyRecord>().AsNoTracking().ToListAsync();
        Assert.DoesNotContain(stored, r => r.Body is not null && Encoding.UTF8.GetString(r.Body).Contains("WIEDERHOLT", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_same_key_for_different_evidence_is_422_and_another_callers_key_is_their_own()
    {
        var first = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var second = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var firstToken = await TokenAsync(first);
        var secondToken = await TokenAsync(second);
        var key = Guid.NewGuid().ToString();

        using var firstCase = await SendAsync(HttpMethod.Post, "/kyc/cases", firstToken, key, null);
        using var secondCase = await SendAsync(HttpMethod.Post, "/kyc/cases", secondToken, key, null);
        Assert.Equal(HttpStatusCode.Created, firstCase.StatusCode);
        Assert.Equal(HttpStatusCode.Created, secondCase.StatusCode);
        Assert.NotEqual(firstCase.Headers.Location, secondCase.Headers.Location);

        var id = JsonDocument.Parse(await firstCase.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        var evidenceKey = Guid.NewGuid().ToString();
        using var submitted = await SendAsync(HttpMethod.Post, $"/kyc/cases/{id}/evidence", firstToken, evidenceKey,
            KycApplications.Application("ANNA", "EINMAL", "S" + Random.Shared.Next(10_000_000, 99_999_999), new DateOnly(1980, 5, 6)));
        using var different = await SendAsync(HttpMethod.Post, $"/kyc/cases/{id}/evidence", firstToken, evidenceKey,
            KycApplications.Application("ANNA", "ANDERS", "S" + Random.Shared.Next(10_000_000, 99_999_999), new DateOnly(1980, 5, 6)));
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        await AssertProblemAsync(different, HttpStatusCode.UnprocessableEntity, IdempotencyProblems.ReusedCode);
        using var fresh = await SendAsync(HttpMethod.Get, $"/kyc/cases/{id}", firstToken, null, null);
        Assert.Equal(1, JsonDocument.Parse(await fresh.Content.ReadAsStringAsync()).RootElement.GetProperty("submissions").GetInt32());
    }

    [Fact]
    public async Task A_key_in_flight_is_409_and_a_malformed_key_is_400()
    {
        var patient = await TestAccounts.CreateAsync(Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var token = await TokenAsync(patient);
        var key = Guid.NewGuid().ToString();
        using (var elsewhere = Request(HttpMethod.Post, "/kyc/cases", token, null, null))
        {
            await using var scope = Server.Service.Services.CreateAsyncScope();
            await IdempotencyClaims.ClaimInFlightAsync(scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>(), patient.Id, key, elsewhere, TimeSpan.FromMinutes(1));
        }
        using var busy = await SendAsync(HttpMethod.Post, "/kyc/cases", token, key, null);
        await AssertProblemAsync(busy, HttpStatusCode.Conflict, IdempotencyProblems.InFlightCode);
        Assert.NotNull(busy.Headers.RetryAfter);

        using var empty = Request(HttpMethod.Post, "/kyc/cases", token, null, null);
        empty.Headers.TryAddWithoutValidation(IdempotencyKey.HeaderName, "\"\"");
        using var emptyAnswer = await Server.Service.Client.SendAsync(empty);
        await AssertProblemAsync(emptyAnswer, HttpStatusCode.BadRequest, IdempotencyProblems.InvalidCode);

        await using var check = Server.Service.Services.CreateAsyncScope();
        Assert.Equal(0, await check.ServiceProvider.GetRequiredService<IdentityServiceDbContext>().KycCases.CountAsync(c => c.OwnerId == patient.Id));
    }

    private async Task<string> TokenAsync(TestAccount account)
    {
        using var session = new FormSession(Server.BaseAddress);
        return (await new CodeFlow(session).SignInThroughPortalAsync(account, "openid kyc")).GetProperty("access_token").GetString()!;
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string token, string? key, object? body)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        if (key is not null)
        {
            IdempotencyClaims.AddKey(request, key);
        }
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, string? key, object? body)
    {
        using var request = Request(method, path, token, key, body);
        var response = await Server.Service.Client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, JsonDocument.Parse(text).RootElement.GetProperty("code").GetString());
    }
}
