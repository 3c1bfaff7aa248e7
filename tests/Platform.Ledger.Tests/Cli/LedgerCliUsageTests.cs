using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Platform.Ledger.Cli;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Tests.Cli;

/// <summary>
/// The <c>ledger</c> command line as System.CommandLine parses it: a usage error exits 2 with one line on stderr that
/// names the command and the problem, then that command's usage; nothing runs. <c>--help</c> prints the usage and exits 0.
/// </summary>
public sealed class LedgerCliUsageTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ledger-cli-usage-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(new[] { "frob" }, "ledger: unknown command 'frob'")]
    [InlineData(new[] { "members" }, "ledger members: a command is required (add, remove)")]
    [InlineData(new[] { "governance", "elect" }, "ledger governance: unknown command 'elect'")]
    [InlineData(new[] { "verify" }, "ledger verify: RECEIPT.json is missing.")]
    [InlineData(new[] { "verify-consistency", "older.json", "newer.json", "--keys", "keys.json" }, "PROOF.json is missing.")]
    [InlineData(new[] { "verify-consistency", "a", "b", "c" }, "--keys")]
    [InlineData(new[] { "verify", "receipt.json", "--keys" }, "--keys needs a value.")]
    [InlineData(new[] { "verify", "receipt.json", "--key", "keys.json" }, "unknown option --key.")]
    [InlineData(new[] { "verify", "receipt.json", "--keys=a.json", "--keys", "b.json" }, "--keys is given twice.")]
    [InlineData(new[] { "verify", "receipt.json", "--keys", "k.json", "--consortium", "c.json" }, "give --keys or --consortium, not both.")]
    [InlineData(new[] { "verify", "receipt.json", "extra.json" }, "unexpected argument 'extra.json'.")]
    [InlineData(new[] { "verify-export", "folder", "receipt.json", "--opening", "o.json" }, "unknown option --opening.")]
    [InlineData(new[] { "members", "add", "ledger-3", "--token-file", "t" }, "--url")]
    [InlineData(new[] { "members", "add", "ledger-3", "--url", "ftp://x", "--token-file", "t" }, "--url must be an http(s) address, not ftp://x.")]
    [InlineData(new[] { "audit", "--consortium", "c.json" }, "ledger audit: URL is missing.")]
    [InlineData(new[] { "audit", "--consortium", "c.json", "not-a-url" }, "URL must be an http(s) address, not not-a-url.")]
    [InlineData(new[] { "governance", "list" }, "--url")]
    [InlineData(new[] { "governance", "vote", "p-1", "--url", "http://a/" }, "ledger governance vote: for|against is missing.")]
    [InlineData(new[] { "governance", "vote", "p-1", "maybe", "--url", "http://a/", "--token-file", "t", "--ledger-id", "l", "--member", "m", "--replica", "r" }, "maybe")]
    [InlineData(new[] { "governance", "propose", "--url", "http://a/", "--token-file", "t", "--ledger-id", "l", "--member", "m", "--replica", "r" }, "at least one --admit, --remove or --rotate")]
    [InlineData(new[] { "governance", "propose", "--remove", "x", "--expires-in-days", "400", "--url", "http://a/", "--token-file", "t", "--ledger-id", "l", "--member", "m", "--replica", "r" }, "--expires-in-days takes 1 to 365.")]
    [InlineData(new[] { "member-entry", "--replica", "ledger-3", "--ca", "ca.pem" }, "--name")]
    public async Task A_usage_error_exits_2_with_the_problem_and_the_usage_on_stderr(string[] args, string expected)
    {
        var (exit, stdout, stderr) = await RunAsync(args);

        Assert.Equal(LedgerCli.Unusable, exit);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.Contains("usage:", stderr, StringComparison.Ordinal);
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task Each_command_s_entry_point_gives_the_same_usage_errors()
    {
        var (exit, _, stderr) = await RunAsync([]);
        Assert.Equal(LedgerCli.Unusable, exit);
        Assert.Contains("ledger: a command is required (verify, verify-consistency, verify-export, members, audit, governance, member-entry).", stderr, StringComparison.Ordinal);

        var error = new StringWriter();
        Assert.Equal(LedgerCli.Unusable, LedgerCli.Run(["frob"], TextWriter.Null, error));
        Assert.Contains("unknown command 'frob'", error.ToString(), StringComparison.Ordinal);

        error = new StringWriter();
        Assert.Equal(LedgerCli.Unusable, await AuditCommand.RunAsync(["audit", "--consortium", "c.json"], TextWriter.Null, error));
        Assert.Contains("URL is missing.", error.ToString(), StringComparison.Ordinal);

        // An entry point runs its own command only.
        error = new StringWriter();
        Assert.Equal(LedgerCli.Unusable, await MembersCommand.RunAsync(["verify", "receipt.json"], TextWriter.Null, error));
        Assert.Contains("this runs `ledger members`", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--help" }, "ledger verify RECEIPT.json")]
    [InlineData(new[] { "audit", "-h" }, "ledger audit --consortium CONSORTIUM.json")]
    [InlineData(new[] { "governance", "vote", "--help" }, "ledger governance vote PROPOSAL-ID for|against")]
    public async Task Help_prints_the_usage_and_exits_0(string[] args, string expected)
    {
        var (exit, stdout, stderr) = await RunAsync(args);

        Assert.Equal((LedgerCli.Valid, ""), (exit, stderr));
        Assert.Contains(expected, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_argument_starting_with_at_is_a_file_name_not_a_response_file()
    {
        var (exit, _, stderr) = await RunAsync(["verify", "@receipt.json"]);

        Assert.Equal(LedgerCli.Unusable, exit);
        Assert.Contains("Cannot read @receipt.json", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proposal_keeps_its_actions_in_command_line_order()
    {
        var member = Path.Combine(_directory, "member.json");
        await File.WriteAllTextAsync(member, JsonSerializer.Serialize(new ConsortiumMember("Clinique Est", ["ledger-3"],
            [new ReplicaKey("ledger-3", "kid", "EC", "P-256", "x", "y")], "CA"), new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        var token = Path.Combine(_directory, "token");
        await File.WriteAllTextAsync(token, "admin-token");
        var keys = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Provider"] = "Software",
            ["Software:KeyDirectory"] = Path.Combine(_directory, "keys"),
        }).Build();
        using var ledger = new CapturingHandler();

        var exit = await GovernanceCommand.RunAsync(["governance", "propose", "--remove", "Hôpital Nord", "--admit", member, "--remove=Clinique Sud",
            "--rotate", member, "--id", "p-1", "--expires-in-days", "3", "--url", "http://ledger.example/", "--token-file", token,
            "--ledger-id", "consortium-ledger", "--member", "Clinique Lac", "--replica", "ledger-1"], TextWriter.Null, TextWriter.Null, keys, ledger);

        Assert.Equal(LedgerCli.Valid, exit);
        Assert.Equal(new Uri("http://ledger.example/governance/proposals"), ledger.Uri);
        var document = JsonSerializer.Deserialize<SignedGovernanceDocument>(ledger.Body!)!;
        var payload = document.ReadPayload()!;
        Assert.Equal(("p-1", "Clinique Lac", "consortium-ledger", "ledger-1"), (payload.ProposalId, payload.Member, payload.LedgerId, document.Replica));
        (string Kind, string Name)[] inOrder =
            [(GovernanceAction.Remove, "Hôpital Nord"), (GovernanceAction.Admit, "Clinique Est"), (GovernanceAction.Remove, "Clinique Sud"), (GovernanceAction.Rotate, "Clinique Est")];
        Assert.Equal(inOrder, payload.Actions!.Select(a => (a.Kind, a.Name ?? a.Member!.Name)));
        var threeDays = (long)TimeSpan.FromDays(3).TotalMilliseconds;
        Assert.InRange(payload.ExpiresAt!.Value - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), threeDays - 60_000, threeDays);
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await LedgerCommandLine.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>A replica that accepts what is posted and keeps it.</summary>
    private sealed class CapturingHandler : HttpMessageHandler
    {
        public Uri? Uri { get; private set; }

        public string? Body { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Uri = request.RequestUri;
            Body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") };
        }
    }
}
