using Platform.ServiceDefaults;

namespace Platform.Security.Tests;

/// <summary>
/// The security headers on every answer the authorization matrix collected (every endpoint and page, as every kind
/// of caller, successes, refusals and redirects alike): <c>nosniff</c> and a CSP that refuses framing everywhere; on
/// pages the page policy and <c>X-Frame-Options: DENY</c>; and <c>Cache-Control: no-store</c> on every answer that
/// does not declare its own caching, which covers everything carrying personal data, tokens or secrets.
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class SecurityHeaderTests(SecurityPlatform platform)
{
    [Fact]
    public async Task Every_answer_carries_nosniff_and_a_policy_that_refuses_framing()
    {
        var answers = (await platform.MatrixAsync()).Answers;
        var wrong = answers
            .Where(a => a.Header("X-Content-Type-Options") != "nosniff"
                        || a.Header("Content-Security-Policy") is not { } csp || !csp.Contains("frame-ancestors 'none'", StringComparison.Ordinal)
                        || a.Header("Referrer-Policy") != "no-referrer")
            .Select(Describe).Distinct().ToList();
        Assert.True(wrong.Count == 0, "Answers without nosniff, a framing-refusing CSP or Referrer-Policy:\n" + string.Join('\n', wrong));
        Assert.True(answers.Count > 300, $"Only {answers.Count} answers were checked.");
    }

    [Fact]
    public async Task Every_page_has_the_page_policy_and_cannot_be_framed()
    {
        var pages = (await platform.MatrixAsync()).Answers.Where(a => a.ContentType == "text/html").ToList();
        var wrong = pages
            .Where(a => a.Header("Content-Security-Policy") != SecurityHeaders.PagePolicy || a.Header("X-Frame-Options") != "DENY")
            .Select(Describe).Distinct().ToList();
        Assert.True(wrong.Count == 0, "Pages without the page policy or X-Frame-Options: DENY:\n" + string.Join('\n', wrong));
        Assert.True(pages.Select(p => p.Endpoint).Distinct().Count() >= 8, "Too few pages answered with HTML to check.");
    }

    [Fact]
    public async Task No_answer_may_be_stored_by_a_cache_unless_it_says_how_long()
    {
        var answers = (await platform.MatrixAsync()).Answers;
        var wrong = answers
            .Where(a => a.Header("Cache-Control") is not { } cache
                        || !(cache.Contains("no-store", StringComparison.Ordinal) || cache.Contains("max-age", StringComparison.Ordinal)))
            .Select(Describe).Distinct().ToList();
        Assert.True(wrong.Count == 0, "Answers a cache may keep without being told:\n" + string.Join('\n', wrong));

        // What carries personal data, tokens or secrets is never cacheable at all.
        var personal = answers.Where(a => a.Status is >= 200 and < 300 && CarriesPersonalData(a)).ToList();
        var cached = personal.Where(a => a.Header("Cache-Control")?.Contains("no-store", StringComparison.Ordinal) != true).Select(Describe).Distinct().ToList();
        Assert.True(cached.Count == 0, "Personal answers without no-store:\n" + string.Join('\n', cached));
        Assert.Contains(personal, a => a.Endpoint.Route == "/records/{id}");
    }

    private static bool CarriesPersonalData(Answer answer) => answer.Endpoint.Route switch
    {
        var r when r.StartsWith("/records", StringComparison.Ordinal) || r.StartsWith("/patients", StringComparison.Ordinal) => true,
        var r when r.StartsWith("/consents", StringComparison.Ordinal) || r.StartsWith("/kyc", StringComparison.Ordinal) => true,
        var r when r.StartsWith("/fhir/r4/{type}", StringComparison.Ordinal) => true,
        var r when r.StartsWith("/admin", StringComparison.Ordinal) || r.StartsWith("/my", StringComparison.Ordinal) => true,
        "/decisions" or "/connect/userinfo" or "/connect/token" or "/account" or "/account/totp" => true,
        _ => false,
    };

    private static string Describe(Answer a) =>
        $"{a.Endpoint} as {a.Principal}: {a.Status} {a.ContentType} (CSP: {a.Header("Content-Security-Policy") ?? "none"}; "
        + $"nosniff: {a.Header("X-Content-Type-Options") ?? "none"}; XFO: {a.Header("X-Frame-Options") ?? "none"}; Cache-Control: {a.Header("Cache-Control") ?? "none"})";
}
