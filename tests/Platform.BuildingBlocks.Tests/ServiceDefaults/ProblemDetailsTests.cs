using System.Net;
using System.Text;
using System.Text.Json;
using Platform.BuildingBlocks.Tests.TestService;
using Platform.Testing;

namespace Platform.BuildingBlocks.Tests.ServiceDefaults;

/// <summary>Every kind of bad input a service can meet before its own logic answers problem+json, never a 500 or a stack trace.</summary>
public sealed class ProblemDetailsTests
{
    [Fact]
    public async Task An_unknown_route_is_404_problem_json_with_a_trace_id()
    {
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build);
        var response = await service.Client.GetAsync("/no-such-thing");
        var problem = await AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
    }

    [Fact]
    public async Task A_wrong_method_is_405_problem_json()
    {
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build);
        await AssertProblemAsync(await service.Client.DeleteAsync("/notes"), HttpStatusCode.MethodNotAllowed);
    }

    [Theory]
    [InlineData("{\"text\": ")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"text\": 42}")]
    public async Task A_body_that_is_not_the_expected_json_is_400_problem_json(string body)
    {
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build);
        var response = await service.Client.PostAsync("/notes", new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("invalid_json", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_missing_body_is_400_problem_json()
    {
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build);
        var response = await service.Client.PostAsync("/notes", new StringContent("", Encoding.UTF8, "application/json"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_wrong_content_type_is_415_problem_json()
    {
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build);
        var response = await service.Client.PostAsync("/notes", new StringContent("text=hi", Encoding.UTF8, "text/plain"));
        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_problem_json()
    {
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build,
            new Dictionary<string, string?> { ["Limits:MaxRequestBodyBytes"] = "1024" });
        var body = JsonSerializer.Serialize(new { text = new string('x', 4096) });
        var response = await service.Client.PostAsync("/notes", new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("request_too_large", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_unexpected_failure_is_500_problem_json_without_internals()
    {
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build);
        var response = await service.Client.GetAsync("/boom");
        var text = await response.Content.ReadAsStringAsync();
        await AssertProblemAsync(response, HttpStatusCode.InternalServerError);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_provider_failure_is_a_retryable_503_problem_json_without_internals()
    {
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build);
        var response = await service.Client.GetAsync("/keys-down");
        var text = await response.Content.ReadAsStringAsync();
        var problem = await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("key_provider_unavailable", problem.GetProperty("code").GetString());
        Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("KeyProviderException", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_attempts_on_a_sensitive_endpoint_is_429_problem_json_with_retry_after()
    {
        await using var service = await ServiceUnderTest.StartAsync(TestServiceApp.Build, new Dictionary<string, string?>
        {
            ["RateLimiting:sensitive:PermitLimit"] = "2",
            ["RateLimiting:sensitive:WindowSeconds"] = "60",
        });
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/guarded")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await service.Client.GetAsync("/guarded")).StatusCode);

        var response = await service.Client.GetAsync("/guarded");
        var problem = await AssertProblemAsync(response, HttpStatusCode.TooManyRequests);
        Assert.Equal("rate_limited", problem.GetProperty("code").GetString());
        Assert.InRange(int.Parse(response.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }
}
