using System.Net;
using Platform.Identity.Testing;

namespace Platform.Security.Tests;

/// <summary>One answer seen while walking the matrix: what was asked, by whom, and the headers that came back.</summary>
public sealed record Answer(EndpointKey Endpoint, string Principal, string Url, int Status, string? ContentType, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>The outcome of every asked cell, and every answer (redirect hops of pages included).</summary>
public sealed record MatrixResult(IReadOnlyDictionary<(EndpointKey Endpoint, string Principal), string> Outcomes, IReadOnlyList<Answer> Answers)
{
    /// <summary>The problem code (or the start of the body) of each asked cell's answer, for failure messages.</summary>
    public Dictionary<(EndpointKey Endpoint, string Principal), string> Details { get; } = [];
}

/// <summary>
/// Walks AccessMatrix.md: each asked cell is one request as that principal. APIs answer with a status; pages are
/// loaded in the principal's browser (its identity sign-in cookie) following redirects across the services, and end
/// in a status, on the sign-in page (<c>login</c>), on an access-denied page (<c>denied</c>), or off the platform
/// (<c>redirect</c>).
/// </summary>
public static class MatrixRunner
{
    public static async Task<MatrixResult> RunAsync(SecurityPlatform platform, AccessTable table)
    {
        var outcomes = new Dictionary<(EndpointKey, string), string>();
        var answers = new List<Answer>();
        var details = new Dictionary<(EndpointKey, string), string>();
        var anonymousBrowser = platform.NewBrowser();
        foreach (var (endpoint, cells) in table.Rows.OrderBy(r => RequestCatalog.RunLast.Contains(r.Key)).ThenBy(r => r.Key.Service, StringComparer.Ordinal))
        {
            foreach (var (kind, expectation) in cells.Where(c => c.Value.Asked))
            {
                var principal = platform.Principals[kind];
                outcomes[(endpoint, kind)] = endpoint.Method == "PAGE"
                    ? await LoadPageAsync(platform, endpoint, principal, kind == PrincipalKinds.Anonymous ? anonymousBrowser : principal.Browser, answers)
                    : await CallAsync(platform, endpoint, principal, answers, details);
            }
        }
        var result = new MatrixResult(outcomes, answers);
        foreach (var (key, detail) in details)
        {
            result.Details[key] = detail;
        }
        return result;
    }

    private static async Task<string> CallAsync(SecurityPlatform platform, EndpointKey endpoint, Principal principal, List<Answer> answers,
        Dictionary<(EndpointKey, string), string> details)
    {
        if (!RequestCatalog.Requests.TryGetValue(endpoint, out var factory))
        {
            return "no-request"; // reported by the test: the catalog must say how to call every endpoint of the table
        }
        var request = await factory(platform, principal);
        using var response = await platform.SendAsync(endpoint.Service, new HttpMethod(endpoint.Method == "*" ? "GET" : endpoint.Method), request.Path, principal, request.Body, request.Headers);
        await response.Content.LoadIntoBufferAsync();
        answers.Add(Capture(endpoint, principal.Kind, response));
        var body = await response.Content.ReadAsStringAsync();
        details[(endpoint, principal.Kind)] = body[..Math.Min(body.Length, 200)];
        return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<string> LoadPageAsync(SecurityPlatform platform, EndpointKey endpoint, Principal principal, FormSession? browser, List<Answer> answers)
    {
        if (browser is null)
        {
            return "no-browser"; // service clients have no browser: their page cells must be '-'
        }
        // A page's {id}: the seeded patient's record on the vault (the portal), the seeded KYC case elsewhere (the reviewer's pages).
        var id = endpoint.Service == "record-vault" ? platform.RecordId : platform.KycCaseId;
        var url = new Uri(platform.Address(endpoint.Service), endpoint.Route.Replace("{id}", id, StringComparison.Ordinal));
        var platformPorts = EndpointInventory.Services.Select(s => platform.Address(s).Port).ToHashSet();
        for (var hop = 0; hop < 10; hop++)
        {
            using var response = await browser.Http.GetAsync(url);
            await response.Content.LoadIntoBufferAsync();
            answers.Add(Capture(endpoint, principal.Kind, response));
            if ((int)response.StatusCode is < 300 or >= 400)
            {
                return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            var next = new Uri(url, response.Headers.Location!);
            if (next.AbsolutePath == "/account/login")
            {
                return "login";
            }
            if (next.AbsolutePath.EndsWith("access-denied", StringComparison.Ordinal))
            {
                return "denied";
            }
            if (!next.IsLoopback || !platformPorts.Contains(next.Port))
            {
                return "redirect";
            }
            url = next;
        }
        return "redirect-loop";
    }

    private static Answer Capture(EndpointKey endpoint, string principal, HttpResponseMessage response)
    {
        var headers = response.Headers.Concat(response.Content.Headers)
            .GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => string.Join(", ", g.SelectMany(h => h.Value)), StringComparer.OrdinalIgnoreCase);
        return new Answer(endpoint, principal, response.RequestMessage!.RequestUri!.AbsoluteUri, (int)response.StatusCode,
            response.Content.Headers.ContentType?.MediaType, headers);
    }
}
