using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Consent.Data;
using Platform.Hosting.Idempotency;
using Platform.Messaging.Outbox;
using Platform.Testing;

namespace Platform.Consent.Service.Tests;

/// <summary>
/// Idempotency-Key on the consent write endpoints (grant, narrow, revoke): a retry returns the first answer and signs
/// and publishes nothing again; misuse of a key is answered per draft-ietf-httpapi-idempotency-key-header.
/// </summary>
public sealed class ConsentIdempotencyTests(ConsentPlatform platform) : IClassFixture<ConsentPlatform>
{
    private static object Grant(string grantee) => new
    {
        grantee = new { kind = "practitioner", id = grantee },
        categories = new[] { "observation" },
        purposes = new[] { "TREAT" },
    };

    [Fact]
    public async Task A_retried_grant_narrow_and_revoke_each_take_effect_once_and_answer_as_the_first_time()
    {
        var (patient, token) = await platform.PatientAsync();
        var grantKey = Guid.NewGuid().ToString();

        using var granted = await SendAsync(HttpMethod.Post, "/consents", token, grantKey, Grant("clinician-idem"));
        using var grantRetry = await SendAsync(HttpMethod.Post, "/consents", token, grantKey, Grant("clinician-idem"));
        Assert.Equal(HttpStatusCode.Created, granted.StatusCode);
        Assert.Equal(HttpStatusCode.Created, grantRetry.StatusCode);
        Assert.Equal(granted.Headers.Location, grantRetry.Headers.Location);
        var grantBody = await granted.Content.ReadAsStringAsync();
        Assert.Equal(grantBody, await grantRetry.Content.ReadAsStringAsync());
        var id = JsonDocument.Parse(grantBody).RootElement.GetProperty("id").GetString()!;

        var narrowKey = Guid.NewGuid().ToString();
        var narrow = new { purposes = new[] { "TREAT" }, validUntil = DateTimeOffset.UtcNow.AddDays(30) };
        using var narrowed = await SendAsync(HttpMethod.Patch, $"/consents/{id}", token, narrowKey, narrow);
        using var narrowRetry = await SendAsync(HttpMethod.Patch, $"/consents/{id}", token, narrowKey, narrow);
        Assert.Equal(HttpStatusCode.OK, narrowed.StatusCode);
        Assert.Equal(await narrowed.Content.ReadAsStringAsync(), await narrowRetry.Content.ReadAsStringAsync());

        var revokeKey = Guid.NewGuid().ToString();
        using var revoked = await SendAsync(HttpMethod.Post, $"/consents/{id}/revoke", token, revokeKey, new { });
        // Without the key a second revoke would be refused (already revoked); with it, the client hears the first answer.
        using var revokeRetry = await SendAsync(HttpMethod.Post, $"/consents/{id}/revoke", token, revokeKey, new { });
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, revokeRetry.StatusCode);
        var revokedBody = await revoked.Content.ReadAsStringAsync();
        Assert.Equal(revokedBody, await revokeRetry.Content.ReadAsStringAsync());
        Assert.Equal(3, JsonDocument.Parse(revokedBody).RootElement.GetProperty("version").GetInt32());

        // One consent, three versions (three signed events for the ledger), and each event in the outbox once.
        await using var scope = platform.Consent.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        Assert.Equal(1, await db.Consents.CountAsync(c => c.Subject == patient.Id));
        Assert.Equal(3, await db.ConsentVersions.CountAsync(v => v.ConsentId == Guid.Parse(id)));
        var outbox = (await db.Set<OutboxMessage>().AsNoTracking().ToListAsync())
            .Where(m => Encoding.UTF8.GetString(m.Payload).Contains(id, StringComparison.Ordinal)).ToList();
        Assert.Equal(3, outbox.Count(m => m.Topic == "consent.changed.v1"));
        Assert.Equal(1, outbox.Count(m => m.Topic == "consent.granted.v1"));
        Assert.Equal(1, outbox.Count(m => m.Topic == "consent.revoked.v1"));

        // The ledger got one entry per version: the history's receipts name three distinct leaves.
        JsonElement consent = default;
        await Eventually.TrueAsync(async () =>
        {
            (_, consent) = await platform.CallAsync(HttpMethod.Get, $"/consents/{id}", token);
            return consent.GetProperty("history").EnumerateArray().All(v => v.GetProperty("receipt").ValueKind == JsonValueKind.Object);
        }, "receipts for the three versions", TimeSpan.FromSeconds(30));
        Assert.Equal(3, consent.GetProperty("history").EnumerateArray().Select(v => v.GetProperty("leafIndex").GetInt64()).Distinct().Count());
    }

    [Fact]
    public async Task The_same_key_for_a_different_grant_is_422_and_grants_nothing()
    {
        var (patient, token) = await platform.PatientAsync();
        var key = Guid.NewGuid().ToString();
        using var first = await SendAsync(HttpMethod.Post, "/consents", token, key, Grant("clinician-a"));
        using var other = await SendAsync(HttpMethod.Post, "/consents", token, key, Grant("clinician-b"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await AssertProblemAsync(other, HttpStatusCode.UnprocessableEntity, IdempotencyProblems.ReusedCode);
        Assert.Equal(1, await ConsentCountAsync(patient.Id));
    }

    [Fact]
    public async Task Another_patients_same_key_grants_their_own_consent()
    {
        var (alice, aliceToken) = await platform.PatientAsync();
        var (bob, bobToken) = await platform.PatientAsync();
        var key = Guid.NewGuid().ToString();
        using var forAlice = await SendAsync(HttpMethod.Post, "/consents", aliceToken, key, Grant("clinician-shared"));
        using var forBob = await SendAsync(HttpMethod.Post, "/consents", bobToken, key, Grant("clinician-shared"));

        Assert.Equal(HttpStatusCode.Created, forAlice.StatusCode);
        Assert.Equal(HttpStatusCode.Created, forBob.StatusCode);
        Assert.NotEqual(forAlice.Headers.Location, forBob.Headers.Location);
        Assert.Equal(1, await ConsentCountAsync(alice.Id));
        Assert.Equal(1, await ConsentCountAsync(bob.Id));
    }

    [Fact]
    public async Task A_grant_whose_key_is_in_flight_elsewhere_is_409_with_retry_after_and_grants_nothing()
    {
        var (patient, token) = await platform.PatientAsync();
        var key = Guid.NewGuid().ToString();
        // Another replica is processing the same request with this key.
        using (var elsewhere = Request(HttpMethod.Post, "/consents", token, null, Grant("clinician-busy")))
        {
            await using var scope = platform.Consent.Services.CreateAsyncScope();
            await IdempotencyClaims.ClaimInFlightAsync(scope.ServiceProvider.GetRequiredService<ConsentDbContext>(), patient.Id, key, elsewhere, TimeSpan.FromMinutes(1));
        }
        using var response = await SendAsync(HttpMethod.Post, "/consents", token, key, Grant("clinician-busy"));

        await AssertProblemAsync(response, HttpStatusCode.Conflict, IdempotencyProblems.InFlightCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(0, await ConsentCountAsync(patient.Id));
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("not-a-structured-string")]
    [InlineData("TOO-LONG")]
    public async Task A_malformed_key_is_400_problem_json_and_grants_nothing(string header)
    {
        var (patient, token) = await platform.PatientAsync();
        using var request = Request(HttpMethod.Post, "/consents", token, null, Grant("clinician-bad-key"));
        request.Headers.TryAddWithoutValidation(IdempotencyKey.HeaderName, header == "TOO-LONG" ? $"\"{new string('k', 256)}\"" : header);
        using var response = await platform.Consent.Client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, IdempotencyProblems.InvalidCode);
        Assert.Equal(0, await ConsentCountAsync(patient.Id));
    }

    [Fact]
    public async Task The_openapi_description_documents_the_optional_header_on_the_write_endpoints()
    {
        var document = await platform.Consent.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        foreach (var (path, method) in new[] { ("/consents", "post"), ("/consents/{id}", "patch"), ("/consents/{id}/revoke", "post") })
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            var header = operation.GetProperty("parameters").EnumerateArray()
                .Single(p => p.GetProperty("name").GetString() == IdempotencyKey.HeaderName);
            Assert.Equal("header", header.GetProperty("in").GetString());
            Assert.False(header.TryGetProperty("required", out var required) && required.GetBoolean());
            Assert.True(operation.GetProperty("responses").TryGetProperty("422", out _));
        }
        Assert.DoesNotContain(paths.GetProperty("/consents").GetProperty("get").TryGetProperty("parameters", out var p) ? p.EnumerateArray() : [],
            q => q.GetProperty("name").GetString() == IdempotencyKey.HeaderName);
    }

    private async Task<int> ConsentCountAsync(string subject)
    {
        await using var scope = platform.Consent.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().Consents.CountAsync(c => c.Subject == subject);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string token, string? key, object body)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (key is not null)
        {
            IdempotencyClaims.AddKey(request, key);
        }
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, string key, object body)
    {
        using var request = Request(method, path, token, key, body);
        var response = await platform.Consent.Client.SendAsync(request);
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
