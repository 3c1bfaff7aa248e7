using System.Text.RegularExpressions;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Journey.Tests.DevHost;

/// <summary>
/// tests/e2e/journey.sh, the journey the e2e workflow runs against the chart on kind, run here against the dev host
/// (the same public APIs; no cluster can run on this machine): the demo patient and clinician sign in, a grant's and
/// a read's events cross the event bus to the ledger and their receipts come back and verify, a revoke refuses the
/// next read. A script that is broken fails here before it fails the workflow. Needs bash, curl, jq, openssl,
/// oathtool and dotnet.
/// </summary>
public sealed class EndToEndJourneyScriptTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(6);
    private static string Script => RepositoryRoot.Combine("tests", "e2e", "journey.sh");

    [Fact]
    public async Task The_e2e_journey_script_passes_against_the_dev_host()
    {
        var root = Directory.CreateTempSubdirectory("e2e-journey-");
        try
        {
            await using var host = await DevHostProcess.StartAsync(Path.Combine(root.FullName, "data"), TimeSpan.FromSeconds(90));
            var (exitCode, text) = await BashScript.RunAsync(Script, root.FullName, new Dictionary<string, string>
            {
                ["IDENTITY"] = $"http://localhost:{host.IdentityPort}",
                ["CONSENT"] = $"http://localhost:{host.ConsentPort}",
                ["VAULT"] = $"http://localhost:{host.RecordVaultPort}",
                ["LEDGER"] = $"http://localhost:{host.LedgerPort}",
                ["RECEIPT_TIMEOUT"] = "60",
            }, ScriptTimeout);
            output.WriteLine(text);
            Assert.True(exitCode == 0, $"tests/e2e/journey.sh failed (exit {exitCode}):\n{text}\n--- dev host ---\n{host.OutputTail()}");

            // Each gate of the journey reported, in order, and every receipt verified offline.
            var gates = Regex.Matches(text, "^ok   (.*)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
            Assert.Collection(gates,
                g => Assert.Equal("every service is ready", g),
                g => Assert.StartsWith("patient signed in", g, StringComparison.Ordinal),
                g => Assert.StartsWith("clinician signed in (code flow + PKCE + TOTP", g, StringComparison.Ordinal),
                g => Assert.Matches("^consent [0-9a-f-]{36} granted$", g),
                g => Assert.Matches(@"^the grant's receipt came back from the ledger \(leaf \d+\)$", g),
                g => Assert.Matches("^record [0-9a-f-]{36} written and read under the consent$", g),
                g => Assert.Matches(@"^the read's access event got its receipt \(leaf \d+\)$", g),
                g => Assert.Equal("consent revoked; the clinician's read is refused (404 not_found)", g),
                g => Assert.Equal("the revoke's receipt came back from the ledger", g),
                g => Assert.Equal("the refused read is in the patient's access log (reason revoked)", g),
                g => Assert.Equal("the grant's, the revoke's and the read's receipts verify offline", g));
            Assert.Equal(3, Regex.Matches(text, "^VALID: ", RegexOptions.Multiline).Count);
            Assert.DoesNotContain("INVALID", text, StringComparison.Ordinal);
            Assert.EndsWith("journey passed", text.TrimEnd(), StringComparison.Ordinal);
        }
        finally
        {
            try
            {
                root.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task The_script_fails_the_step_when_a_service_does_not_answer()
    {
        // Nothing listens on port 9 (discard): the journey must stop with a failure, not pass by doing nothing.
        var root = Directory.CreateTempSubdirectory("e2e-journey-down-");
        try
        {
            var (exitCode, text) = await BashScript.RunAsync(Script, root.FullName, new Dictionary<string, string>
            {
                ["IDENTITY"] = "http://127.0.0.1:9",
                ["CONSENT"] = "http://127.0.0.1:9",
                ["VAULT"] = "http://127.0.0.1:9",
            }, TimeSpan.FromMinutes(1));
            Assert.NotEqual(0, exitCode);
            Assert.Contains("FAIL expected HTTP 200, got 000 from http://127.0.0.1:9/health/ready", text, StringComparison.Ordinal);
            Assert.DoesNotContain("journey passed", text, StringComparison.Ordinal);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
