using System.Diagnostics;
using System.Text.RegularExpressions;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Journey.Tests.DevHost;

/// <summary>
/// docs/walkthrough-api.md, run as written: the dev host started as a child process (the built dll with its documented
/// options, free ports, a temporary data folder), then every <c>```bash</c> block of the page in order in one bash
/// session in a temporary folder, with the address variables pointing at that dev host; each step's output is
/// checked. Needs bash, curl, jq, openssl and oathtool (tests/run.sh installs them on Debian).
/// </summary>
public sealed class WalkthroughTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public void The_page_marks_what_runs_and_what_does_not()
    {
        var page = WalkthroughPage.Load();
        var blocks = page.AllBlocks().ToList();

        // Starting the dev host is shown but not run (the test starts it); every other command block runs.
        var notRun = blocks.Where(b => b.Language == "sh").Select(b => b.Body).ToList();
        Assert.Contains(notRun, b => b.Contains("dotnet run --project services/DevHost/Platform.DevHost", StringComparison.Ordinal));
        Assert.DoesNotContain(page.RunnableBlocks, b => b.Contains("Platform.DevHost", StringComparison.Ordinal));
        Assert.All(blocks, b => Assert.Contains(b.Language, new[] { "bash", "sh", "text", "json" }));
        // Every address comes from a variable with the dev host's default, so the page runs against other ports.
        var setup = page.RunnableBlocks[0];
        foreach (var (name, port) in new[] { ("IDENTITY", 5101), ("CONSENT", 5102), ("VAULT", 5103), ("LEDGER", 5104) })
        {
            Assert.Contains($"{name}=${{{name}:-http://localhost:{port}}}", setup, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(page.RunnableBlocks.Skip(1), b => Regex.IsMatch(b, @"localhost:51\d\d"));
        // Every runnable block is followed by the output a reader should expect.
        for (var i = 0; i < blocks.Count; i++)
        {
            if (blocks[i].Language == "bash")
            {
                Assert.True(i + 1 < blocks.Count && blocks[i + 1].Language is "text" or "json",
                    $"This ```bash block of docs/walkthrough-api.md has no expected output after it:\n{blocks[i].Body}");
            }
        }
        // The scripts the page uses are in the repository and executable.
        foreach (var script in new[] { "register.sh", "sign-in.sh", "kyc-application.sh" })
        {
            var path = RepositoryRoot.Combine("docs", "walkthrough", script);
            Assert.True(File.Exists(path), path);
            if (!OperatingSystem.IsWindows())
            {
                Assert.True((File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0, $"{path} is not executable");
            }
        }
    }

    /// <summary>
    /// docs/walkthrough.md is the browser path: it runs no commands of its own (the API path above does), every
    /// picture it shows is in docs/screenshots, and every test its "How this page is tested" names exists.
    /// </summary>
    [Fact]
    public void The_browser_walkthrough_shows_pictures_that_exist_and_names_tests_that_exist()
    {
        var markdown = File.ReadAllText(RepositoryRoot.Combine("docs", "walkthrough.md"));
        Assert.DoesNotContain("```bash", markdown, StringComparison.Ordinal);
        Assert.Contains("(walkthrough-api.md)", markdown, StringComparison.Ordinal);

        var pictures = Regex.Matches(markdown, @"\]\((screenshots/[A-Za-z0-9._-]+\.png)\)").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(pictures.Count >= 20, $"Only {pictures.Count} pictures on the page.");
        Assert.All(pictures, picture => Assert.True(File.Exists(RepositoryRoot.Combine("docs", picture)), $"docs/{picture} is shown but missing"));

        var tested = markdown[markdown.IndexOf("## How this page is tested", StringComparison.Ordinal)..];
        var sources = string.Join('\n', Directory.EnumerateFiles(RepositoryRoot.Combine("tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Select(File.ReadAllText));
        var named = Regex.Matches(tested, @"`(?<class>[A-Z][A-Za-z]+Tests)(?:\.(?<method>[A-Za-z_]+?))?(?<prefix>_…)?`").ToList();
        Assert.True(named.Count >= 6, $"Only {named.Count} tests named.");
        foreach (var test in named)
        {
            Assert.Contains($"class {test.Groups["class"].Value}", sources, StringComparison.Ordinal);
            if (test.Groups["method"].Success)
            {
                var method = $" {test.Groups["method"].Value}" + (test.Groups["prefix"].Success ? "_" : "(");
                Assert.True(sources.Contains(method, StringComparison.Ordinal), $"No test {test.Value} in tests/.");
            }
        }
    }

    [Fact]
    public async Task The_walkthrough_runs_as_written_against_the_dev_host()
    {
        var page = WalkthroughPage.Load();
        var root = Directory.CreateTempSubdirectory("walkthrough-");
        var data = Directory.CreateDirectory(Path.Combine(root.FullName, "data")).FullName;
        var work = Directory.CreateDirectory(Path.Combine(root.FullName, "work")).FullName;
        var clock = Stopwatch.StartNew();
        string log = "";
        try
        {
            await using var host = await DevHostProcess.StartAsync(data, TimeSpan.FromSeconds(90));
            output.WriteLine($"dev host ready after {clock.Elapsed.TotalSeconds:F1} s on ports {host.IdentityPort}-{host.LedgerPort + 2}");

            var (exitCode, text) = await RunBashAsync(page.Script(), work, new Dictionary<string, string>
            {
                ["IDENTITY"] = $"http://localhost:{host.IdentityPort}",
                ["CONSENT"] = $"http://localhost:{host.ConsentPort}",
                ["VAULT"] = $"http://localhost:{host.RecordVaultPort}",
                ["LEDGER"] = $"http://localhost:{host.LedgerPort}",
                ["DATA"] = data,
                ["REPO"] = RepositoryRoot.Path,
                ["WORK"] = work,
            });
            log = text;
            output.WriteLine($"walkthrough finished after {clock.Elapsed.TotalSeconds:F1} s (exit {exitCode})");
            output.WriteLine(text);
            var blocks = WalkthroughPage.SplitOutput(text);
            var failed = Enumerable.Range(0, page.RunnableBlocks.Count).FirstOrDefault(i => !blocks.ContainsKey(i), -1);
            Assert.True(exitCode == 0 && failed == -1,
                $"The walkthrough stopped (exit {exitCode}) in block {failed}:\n{(failed >= 0 ? page.RunnableBlocks[failed] : "")}\n--- output ---\n{text}\n--- dev host ---\n{host.OutputTail()}");

            string Out(string fragment) => blocks[page.BlockContaining(fragment)];

            // 0. The dev host answers at the addresses the page was given.
            Assert.Equal("Healthy", Out("health/ready").Trim());

            // 1. KYC: Anna approved automatically, Max routed to review and approved by the reviewer.
            Assert.Matches(@"registered anna\.\d+@example\.org \(patient\)\nconfirmed anna\.", Out("\"$ANNA_EMAIL\" \"$ANNA_PASSWORD\" \"Anna Schmidt\""));
            var anna = Out("anna-application.json \"$IDENTITY/kyc/cases");
            Assert.Contains("\"state\":\"Approved\",\"route\":\"AutoApprove\",\"riskScore\":0,\"assuranceLevel\":\"substantial\"", anna, StringComparison.Ordinal);
            var max = Out("max-application.json \"$IDENTITY/kyc/cases");
            Assert.Contains("\"state\":\"ManualReview\",\"route\":\"ManualReview\",\"riskScore\":30,\"failed\":[\"pep_screening:pep_match\"]", max, StringComparison.Ordinal);
            var review = Out("/decision\"");
            Assert.Contains("\"state\":\"ManualReview\",\"riskScore\":30", review, StringComparison.Ordinal);
            Assert.Contains("{\"state\":\"Approved\",\"assuranceLevel\":\"substantial\",\"reason\":\"PEP match confirmed; enhanced due diligence done\"}", review, StringComparison.Ordinal);

            // 2. The credential: issued, holder-bound, selectively disclosed, verified; a wrong nonce is refused.
            var credential = Out("wallet show credential.txt");
            Assert.Contains("credential saved in credential.txt", credential, StringComparison.Ordinal);
            Assert.Contains("\"given_name\": \"Anna Maria\"", credential, StringComparison.Ordinal);
            Assert.Contains("\"cnf\"", credential, StringComparison.Ordinal);
            var verified = Out("--nonce n-123 presentation.txt");
            Assert.Contains("\"valid\": true", verified, StringComparison.Ordinal);
            Assert.Contains("\"age_over_18\": true", verified, StringComparison.Ordinal);
            Assert.DoesNotContain("Schmidt", verified, StringComparison.Ordinal);
            var refused = Out("--nonce n-456 presentation.txt");
            Assert.Contains("\"valid\": false", refused, StringComparison.Ordinal);
            Assert.Contains("exit code 1", refused, StringComparison.Ordinal);

            // 3. The clinician's tokens say who signed in and how strongly.
            var clinician = Out("clinician@demo.local demo-clinician-password");
            Assert.Contains("\"role\": \"clinician\"", clinician, StringComparison.Ordinal);
            Assert.Contains("\"licence\": \"GMC-7654321\"", clinician, StringComparison.Ordinal);
            Assert.Contains("\"acr\": \"urn:platform:acr:mfa\"", clinician, StringComparison.Ordinal);
            Assert.Contains("\"scope\": \"openid profile roles records\"", clinician, StringComparison.Ordinal);

            // 4. Consent granted and time-boxed; the record written and read; refused after the revoke; all logged.
            Assert.Matches("^[0-9a-f]{32}$", Out("PATIENT_ID=").Trim());
            var consent = Out("\"$CONSENT/consents\" > consent.json");
            Assert.Matches("\"status\":\"active\",\"version\":1,\"categories\":\\[\"observation\"\\],\"purposes\":\\[\"TREAT\"\\],\"actions\":\\[\"access\",\"correct\"\\],\"validUntil\":\"20", consent);
            var read = Out("heart-rate.json \"$VAULT/patients");
            Assert.Contains("\"category\":\"observation\",\"resourceType\":\"Observation\",\"version\":1", read, StringComparison.Ordinal);
            Assert.Contains("\"code\":\"8867-4\"", read, StringComparison.Ordinal);
            Assert.EndsWith("HTTP 200", read.TrimEnd(), StringComparison.Ordinal);
            var revoked = Out("/revoke\"");
            Assert.Contains("{\"status\":\"revoked\",\"version\":2}", revoked, StringComparison.Ordinal);
            Assert.Contains("\"status\":404", revoked, StringComparison.Ordinal);
            Assert.Contains("\"code\":\"not_found\"", revoked, StringComparison.Ordinal);
            Assert.DoesNotContain("8867-4", revoked, StringComparison.Ordinal);
            Assert.EndsWith("HTTP 404 application/problem+json", revoked.TrimEnd(), StringComparison.Ordinal);
            var accessLog = Out("/access-log\"").Trim().Split('\n');
            Assert.Collection(accessLog,
                l => Assert.StartsWith("{\"action\":\"write\",\"outcome\":\"permit\",\"reason\":\"consent_permits\"", l, StringComparison.Ordinal),
                l => Assert.StartsWith("{\"action\":\"read\",\"outcome\":\"permit\",\"reason\":\"consent_permits\"", l, StringComparison.Ordinal),
                l => Assert.StartsWith("{\"action\":\"read\",\"outcome\":\"deny\",\"reason\":\"revoked\"", l, StringComparison.Ordinal));

            // The grant's and the revoke's receipts verify offline against the replicas' keys; a tampered one does not.
            var receipts = Out("ledger verify \"receipt-v$version.json\"");
            Assert.Matches(@"version 1 grant: leaf \d+\nVALID: Entry \d+ is included in ledger platform-consent-ledger", receipts);
            Assert.Matches(@"version 2 revoke: leaf \d+\nVALID: Entry \d+ is included in ledger platform-consent-ledger", receipts);
            Assert.DoesNotContain("INVALID", receipts, StringComparison.Ordinal);
            // With the patient's opening, each receipt is shown to be about her consent (blinded on the ledger).
            Assert.Equal(2, Regex.Matches(receipts, @"The entry is consent [0-9a-f-]{36} version [12] of [0-9a-f]{32}, as the opening states\.").Count);
            // Entries are private: anonymous readers get 401.
            Assert.Equal("HTTP 401", Out("\"$LEDGER/entries/0\"").Trim());
            var tampered = Out("tampered.json --keys");
            Assert.Contains("INVALID:", tampered, StringComparison.Ordinal);
            Assert.Contains("exit code 1", tampered, StringComparison.Ordinal);

            // The dev host stops cleanly on SIGTERM, as on Ctrl+C.
            var stopped = await host.StopAsync(TimeSpan.FromSeconds(30));
            Assert.True(stopped == 0, $"The dev host did not stop cleanly (exit {stopped?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "killed"}):\n{host.OutputTail()}");
            output.WriteLine($"total {clock.Elapsed.TotalSeconds:F1} s");
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
            catch (UnauthorizedAccessException)
            {
            }
        }
        Assert.NotEmpty(log);
    }

    /// <summary>The page's script, written beside the work folder, run with bash in that folder.</summary>
    private static async Task<(int ExitCode, string Output)> RunBashAsync(string script, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var scriptPath = Path.Combine(workingDirectory, "..", "walkthrough.sh");
        await File.WriteAllTextAsync(scriptPath, script);
        return await BashScript.RunAsync(scriptPath, workingDirectory, environment, ScriptTimeout);
    }
}
