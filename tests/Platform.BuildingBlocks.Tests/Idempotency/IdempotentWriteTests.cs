using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.BuildingBlocks.Tests.Messaging;
using Platform.BuildingBlocks.Tests.TestService;
using Platform.Hosting.Idempotency;
using Platform.Messaging.Outbox;
using Platform.Testing;

namespace Platform.BuildingBlocks.Tests.Idempotency;

/// <summary>
/// The Idempotency-Key building block on a service composed like the real ones, on both database providers:
/// <c>POST /idempotent/notes</c> saves a note and its outbox event (<see cref="IdempotentNotes"/>).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class IdempotentWriteTests(PostgresServer postgres)
{
    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task A_retry_returns_the_first_answer_and_writes_nothing_again(string provider)
    {
        await using var service = await StartAsync(provider);
        var key = Quoted(Guid.NewGuid());

        using var first = await PostAsync(service, "alice", key, "retried");
        using var second = await PostAsync(service, "alice", key, "retried");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal(first.Content.Headers.ContentType, second.Content.Headers.ContentType);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(1, await CountNotesAsync(service, "retried"));
        Assert.Equal(1, await CountAsync<OutboxMessage>(service));
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Requests_without_a_key_behave_as_before(string provider)
    {
        await using var service = await StartAsync(provider);
        using var one = await PostAsync(service, "alice", null, "plain");
        using var two = await PostAsync(service, "alice", null, "plain");
        Assert.Equal(HttpStatusCode.Created, one.StatusCode);
        Assert.Equal(HttpStatusCode.Created, two.StatusCode);
        Assert.NotEqual(one.Headers.Location, two.Headers.Location);
        Assert.Equal(2, await CountNotesAsync(service, "plain"));
        Assert.Equal(0, await CountAsync<IdempotencyRecord>(service));
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task The_same_key_with_another_payload_is_422_and_changes_nothing(string provider)
    {
        await using var service = await StartAsync(provider);
        var key = Quoted(Guid.NewGuid());
        using var first = await PostAsync(service, "alice", key, "original");
        using var other = await PostAsync(service, "alice", key, "different");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await AssertProblemAsync(other, HttpStatusCode.UnprocessableEntity, IdempotencyProblems.ReusedCode);
        Assert.Equal(0, await CountNotesAsync(service, "different"));
        // And the first answer is still there for a true retry.
        using var retry = await PostAsync(service, "alice", key, "original");
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Another_callers_same_key_is_a_request_of_its_own(string provider)
    {
        await using var service = await StartAsync(provider);
        var key = Quoted(Guid.NewGuid());
        using var alice = await PostAsync(service, "alice", key, "shared-key");
        using var bob = await PostAsync(service, "bob", key, "shared-key");
        using var bobOtherBody = await PostAsync(service, "carol", key, "carol's own body");

        Assert.Equal(HttpStatusCode.Created, alice.StatusCode);
        Assert.Equal(HttpStatusCode.Created, bob.StatusCode);
        Assert.Equal(HttpStatusCode.Created, bobOtherBody.StatusCode);
        Assert.NotEqual(alice.Headers.Location, bob.Headers.Location);
        Assert.Equal(2, await CountNotesAsync(service, "shared-key"));
        Assert.Equal(3, await CountAsync<IdempotencyRecord>(service));
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task A_retry_while_the_first_request_is_in_flight_is_409_and_then_gets_the_answer(string provider)
    {
        await using var service = await StartAsync(provider);
        var gate = service.Services.GetRequiredService<NoteGate>();
        var key = Quoted(Guid.NewGuid());

        var first = PostAsync(service, "alice", key, "wait");
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(15));
        using (var concurrent = await PostAsync(service, "alice", key, "wait"))
        {
            await AssertProblemAsync(concurrent, HttpStatusCode.Conflict, IdempotencyProblems.InFlightCode);
            Assert.NotNull(concurrent.Headers.RetryAfter?.Delta);
        }
        gate.Open.SetResult();
        using var answered = await first;
        using var retry = await PostAsync(service, "alice", key, "wait");

        Assert.Equal(HttpStatusCode.Created, answered.StatusCode);
        Assert.Equal(answered.Headers.Location, retry.Headers.Location);
        Assert.Equal(1, await CountNotesAsync(service, "wait"));
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task An_error_answer_is_not_remembered_and_the_key_can_be_retried(string provider)
    {
        await using var service = await StartAsync(provider);
        var key = Quoted(Guid.NewGuid());
        using var refused = await PostAsync(service, "alice", key, "refuse");
        await AssertProblemAsync(refused, HttpStatusCode.Conflict, "scripted_refusal");
        // What the endpoint saved before refusing stays, as without a key (a refusal's audit must not vanish).
        Assert.Equal(1, await CountNotesAsync(service, "refuse"));
        Assert.Equal(0, await CountAsync<IdempotencyRecord>(service));

        using var again = await PostAsync(service, "alice", key, "refuse");
        await AssertProblemAsync(again, HttpStatusCode.Conflict, "scripted_refusal");
    }

    [Theory]
    [InlineData("Sqlite", "\"\"", "empty")]
    [InlineData("Sqlite", "unquoted-key", "double quotes")]
    [InlineData("Postgres", "\"\"", "empty")]
    [InlineData("Postgres", "LONG", "255")]
    public async Task A_malformed_key_is_400_problem_json_and_nothing_is_written(string provider, string header, string reason)
    {
        await using var service = await StartAsync(provider);
        var value = header == "LONG" ? Quoted(new string('k', 256)) : header;
        using var response = await PostAsync(service, "alice", value, "bad-key");
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, IdempotencyProblems.InvalidCode);
        Assert.Contains(reason, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CountNotesAsync(service, "bad-key"));
        Assert.Equal(0, await CountAsync<IdempotencyRecord>(service));
    }

    [Fact]
    public async Task Two_key_headers_are_400()
    {
        await using var service = await StartAsync("Sqlite");
        using var request = Request("alice", null, "twice");
        request.Headers.TryAddWithoutValidation(IdempotencyKey.HeaderName, ["\"a\"", "\"b\""]);
        using var response = await service.Client.SendAsync(request);
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, IdempotencyProblems.InvalidCode);
        Assert.Equal(0, await CountNotesAsync(service, "twice"));
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task A_claim_left_by_a_dead_process_blocks_until_its_lease_ends_then_the_retry_runs(string provider)
    {
        await using var service = await StartAsync(provider, ("Idempotency:InFlightLease", "00:00:02"));
        var key = Guid.NewGuid().ToString();
        // A process claimed the key and died before its transaction committed: the claim is all that is left.
        await ClaimAsLostProcessAsync(service, "alice", key, "abandoned");

        using var blocked = await PostAsync(service, "alice", Quoted(key), "abandoned");
        await AssertProblemAsync(blocked, HttpStatusCode.Conflict, IdempotencyProblems.InFlightCode);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        using var taken = await PostAsync(service, "alice", Quoted(key), "abandoned");
        Assert.Equal(HttpStatusCode.Created, taken.StatusCode);
        Assert.Equal(1, await CountNotesAsync(service, "abandoned"));
    }

    [Fact]
    public async Task A_request_that_outlived_its_lease_and_lost_the_key_rolls_its_effect_back()
    {
        // PostgreSQL only: on SQLite the first request's open write transaction holds the database until it ends, so
        // no second request could take the key over meanwhile.
        await using var service = await StartAsync("Postgres", ("Idempotency:InFlightLease", "00:00:01"));
        var gate = service.Services.GetRequiredService<NoteGate>();
        var key = Quoted(Guid.NewGuid());

        // The first request wrote its note (uncommitted) and hangs past its lease.
        var slow = PostAsync(service, "alice", key, "wait");
        await Eventually.TrueAsync(() => gate.Arrived == 1, "the first request reached the gate");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        // A retry takes the abandoned-looking key over and gets as far.
        var retry = PostAsync(service, "alice", key, "wait");
        await Eventually.TrueAsync(() => gate.Arrived == 2, "the retry reached the gate");
        gate.Open.SetResult();
        using var slowAnswer = await slow;
        using var retryAnswer = await retry;

        // The first can no longer record its answer, so its effect is rolled back with it: one note, one event.
        await AssertProblemAsync(slowAnswer, HttpStatusCode.Conflict, IdempotencyProblems.InFlightCode);
        Assert.Equal(HttpStatusCode.Created, retryAnswer.StatusCode);
        Assert.Equal(1, await CountNotesAsync(service, "wait"));
        Assert.Equal(1, await CountAsync<OutboxMessage>(service));
        using var replay = await PostAsync(service, "alice", key, "wait");
        Assert.Equal(retryAnswer.Headers.Location, replay.Headers.Location);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task Keys_expire_after_the_retention_and_the_cleanup_deletes_them(string provider)
    {
        await using var service = await StartAsync(provider, ("Idempotency:Retention", "00:00:01"));
        var key = Quoted(Guid.NewGuid());
        using var first = await PostAsync(service, "alice", key, "expiring");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        // Expired: the same key is a new request.
        using var later = await PostAsync(service, "alice", key, "expiring");
        Assert.Equal(HttpStatusCode.Created, later.StatusCode);
        Assert.NotEqual(first.Headers.Location, later.Headers.Location);
        Assert.Equal(2, await CountNotesAsync(service, "expiring"));

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await using var scope = service.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        Assert.Equal(1, await IdempotencyStore.DeleteExpiredAsync(db, DateTime.UtcNow, CancellationToken.None));
        Assert.Equal(0, await db.Set<IdempotencyRecord>().CountAsync());
    }

    private async Task<ServiceUnderTest> StartAsync(string provider, params (string Key, string Value)[] extra)
    {
        var settings = provider == "Postgres"
            ? new Dictionary<string, string?>
            {
                ["Database:Provider"] = "Postgres",
                ["ConnectionStrings:test-service"] = await postgres.CreateDatabaseAsync("idempotency"),
            }
            : [];
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        return await ServiceUnderTest.StartAsync(TestServiceApp.Build, settings);
    }

    private static string Quoted(object key) => $"\"{key}\"";

    private static HttpRequestMessage Request(string caller, string? key, string text)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/idempotent/notes") { Content = JsonContent.Create(new IdempotentNotes.NoteBody(text)) };
        request.Headers.Add(TestCallerAuthentication.Header, caller);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKey.HeaderName, key);
        }
        return request;
    }

    private static async Task<HttpResponseMessage> PostAsync(ServiceUnderTest service, string caller, string? key, string text)
    {
        using var request = Request(caller, key, text);
        return await service.Client.SendAsync(request);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }

    /// <summary>What a process that claimed the key and then died leaves behind: an uncompleted claim.</summary>
    private static async Task ClaimAsLostProcessAsync(ServiceUnderTest service, string caller, string key, string text)
    {
        using var request = Request(caller, null, text);
        await using var scope = service.Services.CreateAsyncScope();
        await IdempotencyClaims.ClaimInFlightAsync(scope.ServiceProvider.GetRequiredService<TestDbContext>(), caller, key, request, TimeSpan.FromSeconds(2));
    }

    private static async Task<int> CountNotesAsync(ServiceUnderTest service, string text)
    {
        await using var scope = service.Services.CreateAsyncScope();
        return await IdempotentNotes.CountAsync(scope.ServiceProvider.GetRequiredService<TestDbContext>(), text);
    }

    private static async Task<int> CountAsync<T>(ServiceUnderTest service) where T : class
    {
        await using var scope = service.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TestDbContext>().Set<T>().CountAsync();
    }
}
