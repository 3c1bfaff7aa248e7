using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Hosting.Idempotency;
using Platform.Identity.Accounts;
using Platform.RecordVault.Data;
using Platform.Testing;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// Idempotency-Key on the vault's writes: a retried create stores one record (one encrypted version, one audited
/// write, one access event for the ledger); a retried erase answers 204 again instead of 410; misuse gets the draft's errors.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class VaultIdempotencyTests(VaultPlatform platform)
{
    private static StringContent Observation(string marker) => new(
        "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}],"
        + "\"text\":\"" + marker + "\"},\"valueQuantity\":{\"value\":72,\"unit\":\"beats/minute\"}}",
        Encoding.UTF8, "application/fhir+json");

    [Fact]
    public async Task A_retried_create_and_erase_take_effect_once_and_answer_as_the_first_time()
    {
        var (patient, token) = await platform.UserAsync(PlatformRoles.Patient);
        var marker = "IDEM-" + Guid.NewGuid().ToString("N");
        var createKey = Guid.NewGuid().ToString();

        using var created = await SendAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", token, createKey, Observation(marker));
        using var createdAgain = await SendAsync(HttpMethod.Post, $"/patients/{patient.Id}/records", token, createKey, Observation(marker));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Created, createdAgain.StatusCode);
        Assert.Equal(created.Headers.Location, createdAgain.Headers.Location);
        var body = await created.Content.ReadAsStringAsync();
        Assert.Equal(body, await createdAgain.Content.ReadAsStringAsync());
        var id = Guid.Parse(JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!);

        var eraseKey = Guid.NewGuid().ToString();
        using var erased = await SendAsync(HttpMethod.Delete, $"/records/{id}", token, eraseKey, null);
        using var erasedAgain = await SendAsync(HttpMethod.Delete, $"/records/{id}", token, eraseKey, null);
        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, erasedAgain.StatusCode);

        await using var scope = platform.Vault.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        Assert.Equal(1, await db.Records.CountAsync(r => r.Patient == patient.Id));
        Assert.Equal(1, await db.RecordVersions.CountAsync(v => v.RecordId == id));
        var trail = await db.AccessLog.AsNoTracking().Where(a => a.RecordId == id).Select(a => a.Action).ToListAsync();
        Assert.Equal(2, trail.Count); // one write, one erase: one access event each for the ledger
        // Remembered answers are metadata: the record's content is not in them (erasure must not leave a copy).
        var stored = await db.Set<IdempotencyRecord>().AsNoTracking().ToListAsync();
        Assert.DoesNotContain(stored, r => r.Body is not null && Encoding.UTF8.GetString(r.Body).Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Another_payload_is_422_another_caller_is_independent_in_flight_is_409_and_a_bad_key_is_400()
    {
        var (alice, aliceToken) = await platform.UserAsync(PlatformRoles.Patient);
        var (bob, bobToken) = await platform.UserAsync(PlatformRoles.Patient);
        var key = Guid.NewGuid().ToString();

        using var first = await SendAsync(HttpMethod.Post, $"/patients/{alice.Id}/records", aliceToken, key, Observation("first"));
        using var different = await SendAsync(HttpMethod.Post, $"/patients/{alice.Id}/records", aliceToken, key, Observation("second"));
        using var bobs = await SendAsync(HttpMethod.Post, $"/patients/{bob.Id}/records", bobToken, key, Observation("first"));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await AssertProblemAsync(different, HttpStatusCode.UnprocessableEntity, IdempotencyProblems.ReusedCode);
        Assert.Equal(HttpStatusCode.Created, bobs.StatusCode);

        var busyKey = Guid.NewGuid().ToString();
        using (var elsewhere = Request(HttpMethod.Post, $"/patients/{alice.Id}/records", aliceToken, null, Observation("busy")))
        {
            await using var claimScope = platform.Vault.Services.CreateAsyncScope();
            await IdempotencyClaims.ClaimInFlightAsync(claimScope.ServiceProvider.GetRequiredService<RecordVaultDbContext>(), alice.Id, busyKey, elsewhere, TimeSpan.FromMinutes(1));
        }
        using var busy = await SendAsync(HttpMethod.Post, $"/patients/{alice.Id}/records", aliceToken, busyKey, Observation("busy"));
        await AssertProblemAsync(busy, HttpStatusCode.Conflict, IdempotencyProblems.InFlightCode);

        using var tooLong = Request(HttpMethod.Post, $"/patients/{alice.Id}/records", aliceToken, null, Observation("long"));
        tooLong.Headers.TryAddWithoutValidation(IdempotencyKey.HeaderName, $"\"{new string('k', 256)}\"");
        using var tooLongAnswer = await platform.Vault.Client.SendAsync(tooLong);
        await AssertProblemAsync(tooLongAnswer, HttpStatusCode.BadRequest, IdempotencyProblems.InvalidCode);

        await using var scope = platform.Vault.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>();
        Assert.Equal(1, await db.Records.CountAsync(r => r.Patient == alice.Id));
        Assert.Equal(1, await db.Records.CountAsync(r => r.Patient == bob.Id));
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string token, string? key, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (key is not null)
        {
            IdempotencyClaims.AddKey(request, key);
        }
        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string token, string key, HttpContent? content)
    {
        using var request = Request(method, path, token, key, content);
        var response = await platform.Vault.Client.SendAsync(request);
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
