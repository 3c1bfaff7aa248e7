using System.Net.Http.Json;
using System.Text.Json;
using Platform.Ledger.Cli;
using Platform.Ledger.Tests.Service;

namespace Platform.Ledger.Tests.Cli;

/// <summary><c>ledger members add|remove</c> as an operator runs it, against three real ledger services.</summary>
public sealed class LedgerCliMembersTests : IAsyncLifetime, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ledger-cli-members-").FullName;
    private LedgerCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await LedgerCluster.StartAsync(3);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string TokenFile(string token)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, token + "\n");
        return path;
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await MembersCommand.RunAsync(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    // How many members the replica's Raft node has (what the change must have committed).
    private async Task<int> MemberCountAsync(int replica)
    {
        var status = await _cluster.Client(replica).GetFromJsonAsync<JsonElement>("/cluster/status");
        return status.GetProperty("raft").GetProperty("members").GetArrayLength();
    }

    [Fact]
    public async Task An_operator_removes_and_adds_a_replica_through_any_replica_with_a_token_file()
    {
        var leader = await _cluster.LeaderAsync();
        var changed = (leader + 1) % 3;
        var asked = (leader + 2) % 3; // a follower: the command must find the leader by itself
        var admin = TokenFile(LedgerCluster.AdminToken);

        var removed = await RunAsync("members", "remove", $"ledger-{changed}", "--url", _cluster.ApiUrl(asked).ToString(), "--token-file", admin);
        Assert.True(removed.Exit == 0, removed.Err);
        Assert.Contains("not the leader", removed.Out, StringComparison.Ordinal);
        Assert.Contains("REMOVED", removed.Out, StringComparison.Ordinal);
        Assert.DoesNotContain($"ledger-{changed}", removed.Out, StringComparison.Ordinal);
        Assert.Equal(2, await MemberCountAsync(leader));

        var added = await RunAsync("members", "add", $"ledger-{changed}", "--url", _cluster.ApiUrl(leader).ToString(), "--token-file", admin);
        Assert.True(added.Exit == 0, added.Err);
        Assert.Contains("ADDED", added.Out, StringComparison.Ordinal);
        Assert.Contains($"ledger-{changed}", added.Out, StringComparison.Ordinal);
        Assert.Equal(3, await MemberCountAsync(leader));

        var again = await RunAsync("members", "add", $"ledger-{changed}", "--url", _cluster.ApiUrl(leader).ToString(), "--token-file", admin);
        Assert.Equal(0, again.Exit);
        Assert.Contains("UNCHANGED", again.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusal_exits_1_with_the_ledgers_problem_and_unusable_input_exits_2()
    {
        var leader = await _cluster.LeaderAsync();
        var url = _cluster.ApiUrl(leader).ToString();

        var wrongToken = await RunAsync("members", "remove", "ledger-1", "--url", url, "--token-file", TokenFile(LedgerCluster.ServiceToken));
        Assert.Equal(LedgerCli.Invalid, wrongToken.Exit);
        Assert.Contains("REFUSED (401", wrongToken.Err, StringComparison.Ordinal);

        var unknown = await RunAsync("members", "add", "ledger-9", "--url", url, "--token-file", TokenFile(LedgerCluster.AdminToken));
        Assert.Equal(LedgerCli.Invalid, unknown.Exit);
        Assert.Contains("unknown_replica", unknown.Err, StringComparison.Ordinal);
        Assert.Equal(3, await MemberCountAsync(leader));

        var noFile = await RunAsync("members", "remove", "ledger-1", "--url", url, "--token-file", Path.Combine(_directory, "missing"));
        Assert.Equal(LedgerCli.Unusable, noFile.Exit);
        Assert.Contains("Cannot read", noFile.Err, StringComparison.Ordinal);

        var noUrl = await RunAsync("members", "remove", "ledger-1", "--token-file", TokenFile(LedgerCluster.AdminToken));
        Assert.Equal(LedgerCli.Unusable, noUrl.Exit);
        Assert.Contains("usage:", noUrl.Err, StringComparison.Ordinal);

        var badUrl = await RunAsync("members", "remove", "ledger-1", "--url", "ftp://x", "--token-file", TokenFile(LedgerCluster.AdminToken));
        Assert.Equal(LedgerCli.Unusable, badUrl.Exit);
    }
}
