using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace Platform.Security.Tests;

/// <summary>
/// The bad-input corpus against every write endpoint, sent by a caller the endpoint lets in: every answer is a
/// 4xx with a problem+json body (the OAuth endpoints: RFC 6749's error JSON), never a 5xx or a success, and no
/// table of any service's database gains or loses a row, nor the ledger an entry.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class BadInputTests(SecurityPlatform platform, ITestOutputHelper output)
{
    public static TheoryData<string> Endpoints() => [.. WriteEndpoints.All.Select(e => e.Name)];

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Every_bad_input_is_refused_with_a_client_error_and_nothing_is_stored(string name)
    {
        var endpoint = WriteEndpoints.All.Single(e => e.Name == name);
        var caller = platform.Principals[endpoint.Caller];
        var before = await StoredRows.SettledAsync(platform.DataDirectory);
        var ledgerBefore = await LedgerSizeAsync();

        var failures = new List<string>();
        var sent = 0;
        var corpus = endpoint.Corpus(platform).ToList();
        foreach (var input in corpus.Where(i => i.Finding is null))
        {
            var path = input.Path ?? endpoint.Path(platform);
            using var response = await platform.SendAsync(endpoint.Service, new HttpMethod(endpoint.Method), path, caller, input.Body(), endpoint.Headers);
            var body = await response.Content.ReadAsStringAsync();
            sent++;
            var status = (int)response.StatusCode;
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            var problem = status is < 400 or >= 500
                ? $"answered {status}"
                : endpoint.IsOAuth
                    ? IsOAuthError(mediaType, body) ? null : $"answered {status} {mediaType}, not an OAuth error"
                    : endpoint.IsFhir
                        ? IsOperationOutcome(mediaType, body) ? null : $"answered {status} {mediaType ?? "without a body"}, not a FHIR OperationOutcome"
                        : mediaType == "application/problem+json" ? null : $"answered {status} {mediaType ?? "without a body"}, not problem+json";
            problem ??= ExpectedRefusal(input, status, body);
            if (problem is not null)
            {
                failures.Add($"{input.Name}: {problem}: {body[..Math.Min(body.Length, 300)]}");
            }
        }
        output.WriteLine($"{name}: {sent} bad inputs sent");

        var after = await StoredRows.SettledAsync(platform.DataDirectory);
        var stored = StoredRows.Differences(before, after);
        var ledgerAfter = await LedgerSizeAsync();
        // Open findings last, after the counts: reported, never silently passed.
        foreach (var input in corpus.Where(i => i.Finding is not null))
        {
            using var response = await platform.SendAsync(endpoint.Service, new HttpMethod(endpoint.Method), input.Path ?? endpoint.Path(platform), caller, input.Body(), endpoint.Headers);
            output.WriteLine((int)response.StatusCode is >= 400 and < 500
                ? $"{input.Name}: open finding {input.Finding} looks fixed (answers {(int)response.StatusCode}): drop the marker"
                : $"{input.Name}: open finding {input.Finding}, answers {(int)response.StatusCode}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} bad inputs were not refused properly:\n" + string.Join('\n', failures));
        Assert.True(stored.Count == 0, "Rows changed while only bad inputs were sent:\n" + string.Join('\n', stored));
        Assert.Equal(ledgerBefore, ledgerAfter);
        Assert.True(sent >= 5, $"Only {sent} inputs.");
    }

    /// <summary>Null when the input names no expected refusal or met it; otherwise what it got instead.</summary>
    private static string? ExpectedRefusal(BadInput input, int status, string body)
    {
        if (input.Status is { } expected && status != expected)
        {
            return $"answered {status}, not {expected}";
        }
        if (input.Code is null)
        {
            return null;
        }
        try
        {
            var code = JsonDocument.Parse(body).RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
            return code == input.Code ? null : $"code {code ?? "(none)"}, not {input.Code}";
        }
        catch (JsonException)
        {
            return $"no JSON body with code {input.Code}";
        }
    }

    /// <summary>
    /// The governance corpus is sent past the administrator check (the static admin token), not refused at the door:
    /// its well-formed document meets the ledger itself, which answers that it has no consortium; without the token, 401.
    /// </summary>
    [Theory]
    [InlineData("POST /governance/proposals")]
    [InlineData("POST /governance/proposals/{id}/ballots")]
    [InlineData("POST /governance/proposals/{id}/withdrawal")]
    public async Task The_governance_corpus_reaches_the_ledger_past_the_administrator_check(string name)
    {
        var endpoint = WriteEndpoints.All.Single(e => e.Name == name);
        using var admitted = await platform.SendAsync("ledger", HttpMethod.Post, endpoint.Path(platform), platform.Principals[endpoint.Caller],
            new StringContent(endpoint.ValidJson!, System.Text.Encoding.UTF8, "application/json"));
        var problem = await SecurityPlatform.ReadJsonAsync(admitted, System.Net.HttpStatusCode.NotFound);
        Assert.Equal("not_a_consortium", problem.GetProperty("code").GetString());
        using var stranger = await platform.SendAsync("ledger", HttpMethod.Post, endpoint.Path(platform), platform.Principals[PrincipalKinds.Anonymous],
            new StringContent(endpoint.ValidJson!, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, stranger.StatusCode);
    }

    /// <summary>FHIR endpoints answer errors as an OperationOutcome (application/fhir+json) with at least one issue.</summary>
    private static bool IsOperationOutcome(string? mediaType, string body)
    {
        if (mediaType != "application/fhir+json")
        {
            return false;
        }
        try
        {
            var root = JsonDocument.Parse(body).RootElement;
            return root.TryGetProperty("resourceType", out var type) && type.GetString() == "OperationOutcome"
                && root.TryGetProperty("issue", out var issues) && issues.GetArrayLength() > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsOAuthError(string? mediaType, string body)
    {
        if (mediaType != "application/json")
        {
            return false;
        }
        try
        {
            return JsonDocument.Parse(body).RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The ledger's size once it stops growing (three equal readings 500 ms apart, at most 30 s): audit events of earlier
    /// tests (the matrix's record reads, the portal pages' reads) reach the ledger through outboxes whose rows do not
    /// change count when relayed, so the table counts can settle before the ledger has.
    /// </summary>
    private async Task<long> LedgerSizeAsync()
    {
        using var http = new HttpClient();
        async Task<long> ReadAsync() =>
            (await http.GetFromJsonAsync<JsonElement>(new Uri(platform.Address("ledger"), "/cluster/status"))).GetProperty("treeSize").GetInt64();
        var previous = await ReadAsync();
        for (var (stable, attempt) = (0, 0); stable < 2 && attempt < 60; attempt++)
        {
            await Task.Delay(500);
            var current = await ReadAsync();
            stable = current == previous ? stable + 1 : 0;
            previous = current;
        }
        return previous;
    }
}
