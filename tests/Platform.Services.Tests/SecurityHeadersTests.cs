using System.Net;
using System.Text.RegularExpressions;
using Platform.Consent;
using Platform.Identity;
using Platform.Ledger;
using Platform.RecordVault;
using Platform.ServiceDefaults;
using Platform.Testing;
using Platform.WebUi;

namespace Platform.Services.Tests;

/// <summary>
/// Issue 17, finding 11: every service sends nosniff, a Content-Security-Policy and a framing refusal on its
/// answers: the strict API policy on data and errors, the page policy (own scripts and styles only) on pages.
/// </summary>
public sealed class SecurityHeadersTests
{
    [Theory]
    [InlineData("identity")]
    [InlineData("consent")]
    [InlineData("record-vault")]
    [InlineData("ledger")]
    public async Task API_answers_and_errors_carry_nosniff_and_the_API_policy(string name)
    {
        await using var service = await StartAsync(name);

        foreach (var path in new[] { "/", "/does-not-exist", "/health/ready" })
        {
            using var response = await service.Client.GetAsync(path);
            AssertHeaders(response, SecurityHeaders.ApiPolicy);
        }
    }

    [Theory]
    [InlineData("identity", "/account/login")]
    [InlineData("consent", "/access-denied")]
    public async Task Pages_carry_the_page_policy_and_load_the_design_system_from_their_own_origin(string name, string page)
    {
        await using var service = await StartAsync(name);

        using var response = await service.Client.GetAsync(page);
        AssertHeaders(response, SecurityHeaders.PagePolicy);
        var html = await response.Content.ReadAsStringAsync();
        // Nothing the policy would block: no inline styles, and every script a file of the page's own origin.
        Assert.DoesNotContain("<style", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("style=", html, StringComparison.OrdinalIgnoreCase);
        var scripts = Regex.Matches(html, "<script[^>]*>(.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase);
        Assert.NotEmpty(scripts);
        foreach (Match script in scripts)
        {
            Assert.Matches("src=\"/assets/[^\"]+\"", script.Value);
            Assert.True(string.IsNullOrWhiteSpace(script.Groups[1].Value), script.Value);
        }
        Assert.Contains($"href=\"{WebUiAssets.Stylesheet}\"", html, StringComparison.Ordinal);

        using var css = await service.Client.GetAsync(WebUiAssets.Stylesheet);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        var stylesheet = await css.Content.ReadAsStringAsync();
        Assert.Contains("--nhsuk-frontend-version:\"" + WebUiAssets.NhsukFrontendVersion + "\"", stylesheet, StringComparison.Ordinal);
        // Nothing from another origin (the NHS font, say): the policy would refuse it.
        Assert.DoesNotContain("url(http", stylesheet, StringComparison.OrdinalIgnoreCase);
    }

    private static void AssertHeaders(HttpResponseMessage response, string policy)
    {
        var where = $"{response.RequestMessage!.RequestUri!.PathAndQuery} ({(int)response.StatusCode})";
        Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff) && nosniff.Single() == "nosniff", where);
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var csp) && csp.Single() == policy, where);
        Assert.True(response.Headers.TryGetValues("X-Frame-Options", out var frame) && frame.Single() == "DENY", where);
    }

    private static Task<ServiceUnderTest> StartAsync(string name) => name switch
    {
        "identity" => ServiceUnderTest.StartAsync(IdentityService.Build,
            new Dictionary<string, string?> { ["Keys:Provider"] = "Software", ["Identity:AllowHttp"] = "true" }),
        // The pages exist only with a sign-in authority; it is never called for the anonymous page.
        "consent" => ServiceUnderTest.StartAsync(ConsentService.Build, new Dictionary<string, string?>
        {
            ["Keys:Provider"] = "Software",
            ["Authentication:Authority"] = "http://127.0.0.1:9/",
            ["Authentication:RequireHttpsMetadata"] = "false",
            ["Consent:Pages:ClientSecret"] = "pages-secret-for-tests-0123456789",
        }),
        "record-vault" => ServiceUnderTest.StartAsync(RecordVaultService.Build, new Dictionary<string, string?> { ["Keys:Provider"] = "Software" }),
        "ledger" => ServiceUnderTest.StartAsync(LedgerService.Build, new Dictionary<string, string?>
        {
            ["Keys:Provider"] = "Software",
            ["Ledger:Replicas:0:Name"] = "ledger-0",
            ["Ledger:Replicas:0:RaftEndPoint"] = $"127.0.0.1:{FreePort.Next()}",
        }),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
