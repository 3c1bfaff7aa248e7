using System.Text;
using Xunit.Abstractions;

namespace Platform.Security.Tests;

/// <summary>
/// Every endpoint and page of the dev host against every kind of caller, checked against AccessMatrix.md (which
/// follows docs/security.md, "What each role may do"). A new endpoint without a row fails, and names itself.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class AuthorizationMatrixTests(SecurityPlatform platform, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_endpoint_of_every_service_has_a_row_and_every_row_an_endpoint()
    {
        var endpoints = await EndpointInventory.ListAsync(platform);
        var table = AccessTable.Load();
        var missing = endpoints.Where(e => !table.Rows.ContainsKey(e)).Select(e => e.ToString()).Order().ToList();
        var stale = table.Rows.Keys.Where(r => !endpoints.Contains(r)).Select(e => e.ToString()).Order().ToList();
        Assert.True(missing.Count == 0, "Endpoints without a row in AccessMatrix.md (add one per endpoint, with the outcome docs/security.md "
                                       + "gives each principal):\n" + string.Join('\n', missing));
        Assert.True(stale.Count == 0, "Rows of AccessMatrix.md for endpoints the dev host no longer has:\n" + string.Join('\n', stale));
    }

    [Fact]
    public void Every_api_row_says_how_to_call_it()
    {
        var table = AccessTable.Load();
        var uncallable = table.Rows.Keys.Where(k => k.Method != "PAGE" && !RequestCatalog.Requests.ContainsKey(k)).Select(k => k.ToString()).ToList();
        Assert.True(uncallable.Count == 0, "Rows without a request in RequestCatalog:\n" + string.Join('\n', uncallable));
        Assert.All(table.Rows, row => Assert.Equal(PrincipalKinds.All.Order(), row.Value.Keys.Order()));
    }

    [Fact]
    public async Task Every_principal_gets_what_the_role_table_says_from_every_endpoint()
    {
        var table = AccessTable.Load();
        var result = await platform.MatrixAsync();
        var wrong = new List<string>();
        var open = new List<string>();
        foreach (var ((endpoint, principal), observed) in result.Outcomes.OrderBy(o => o.Key.Endpoint.ToString(), StringComparer.Ordinal))
        {
            var expected = table.Rows[endpoint][principal];
            if (!expected.Accepts(observed))
            {
                wrong.Add($"{endpoint} as {principal}: expected {expected}, got {observed} {result.Details.GetValueOrDefault((endpoint, principal))}");
            }
            else if (expected.Finding is not null)
            {
                open.Add(Expectation.Matches(expected.Target!, observed)
                    ? $"{endpoint} as {principal}: {expected.Finding} looks fixed (answers {observed}): make the cell '{expected.Target}'"
                    : $"{endpoint} as {principal}: open finding {expected.Finding}, answers {observed}, the role table says {expected.Target}");
            }
        }
        output.WriteLine($"{result.Outcomes.Count} cells asked, {result.Answers.Count} answers (redirect hops included)");
        foreach (var line in open)
        {
            output.WriteLine(line);
        }
        if (Environment.GetEnvironmentVariable("SECURITY_MATRIX_OBSERVED") is { Length: > 0 } path)
        {
            File.WriteAllText(path, Observed(table, result));
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} cells differ from AccessMatrix.md:\n" + string.Join('\n', wrong));
        Assert.True(result.Outcomes.Count > 300, $"Only {result.Outcomes.Count} cells were asked.");
    }

    /// <summary>The table as observed (SECURITY_MATRIX_OBSERVED=file): for reviewing a change against the role table, never for copying blindly.</summary>
    private static string Observed(AccessTable table, MatrixResult result)
    {
        var text = new StringBuilder("| service | method | route | " + string.Join(" | ", PrincipalKinds.All) + " |\n");
        foreach (var endpoint in table.Rows.Keys.OrderBy(k => k.Service, StringComparer.Ordinal).ThenBy(k => k.Route, StringComparer.Ordinal).ThenBy(k => k.Method, StringComparer.Ordinal))
        {
            text.Append($"| {endpoint.Service} | {endpoint.Method} | `{endpoint.Route}` | ")
                .Append(string.Join(" | ", PrincipalKinds.All.Select(p => result.Outcomes.TryGetValue((endpoint, p), out var o) ? o : "-")))
                .Append(" |\n");
        }
        return text.ToString();
    }
}
