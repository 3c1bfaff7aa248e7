using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Consent.Data;
using Platform.DevHost;
using Platform.Messaging.Inbox;
using Platform.Testing;

namespace Platform.Services.Tests;

/// <summary>The embedded default: all four services in one process, each ready; a second start keeps the data.</summary>
public sealed class DevHostTests
{
    [Fact]
    public async Task All_four_services_start_in_one_process_and_a_restart_reuses_the_data()
    {
        var data = Directory.CreateTempSubdirectory("platform-devhost-").FullName;
        try
        {
            // One ledger replica on a fixed Raft port: a replica's log belongs to its endpoint, which a restart keeps.
            var options = new DevHostOptions(data, 0, 0, 0, 0, "127.0.0.1", LedgerReplicas: 1, LedgerRaftPort: FreePort.Next());
            var marker = Guid.NewGuid();
            await using (var first = new DevHostRunner(options))
            {
                await first.StartAsync(CancellationToken.None);
                await AssertAllReadyAsync(first);
                await using var scope = first.ServicesOf("consent").CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
                db.Set<InboxEntry>().Add(new InboxEntry { EventId = marker, Handler = "restart-marker", Topic = "test", HandledAtUtc = DateTime.UtcNow });
                await db.SaveChangesAsync();
            }

            var files = Directory.GetFiles(data, "*.db").Select(f => Path.GetFileName(f)!).Order().ToArray();
            Assert.Equal(["consent.db", "identity.db", "ledger.db", "record-vault.db"], files);

            await using var second = new DevHostRunner(options);
            await second.StartAsync(CancellationToken.None);
            await AssertAllReadyAsync(second);
            await using var secondScope = second.ServicesOf("consent").CreateAsyncScope();
            Assert.Equal(1, await secondScope.ServiceProvider.GetRequiredService<ConsentDbContext>().Set<InboxEntry>().CountAsync(e => e.EventId == marker));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Theory]
    [InlineData("--identity-port", "not-a-port")]
    [InlineData("--ledger-port", "70000")]
    public void Bad_port_arguments_are_refused_with_a_clear_message(string option, string value)
    {
        var error = Assert.Throws<ArgumentException>(() => DevHostOptions.From([option, value]));
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
        Assert.Contains(option.TrimStart('-'), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_help_lists_every_documented_option_with_its_environment_variable()
    {
        var output = new StringWriter();

        var exit = DevHostOptions.Command.Parse(["--help"]).Invoke(new System.CommandLine.InvocationConfiguration { Output = output });

        Assert.Equal(0, exit);
        var help = output.ToString();
        foreach (var (option, variable) in new[]
                 {
                     ("--data", "DEVHOST_DATA"), ("--identity-port", "DEVHOST_IDENTITY_PORT"), ("--consent-port", "DEVHOST_CONSENT_PORT"),
                     ("--record-vault-port", "DEVHOST_RECORD_VAULT_PORT"), ("--ledger-port", "DEVHOST_LEDGER_PORT"), ("--bind", "DEVHOST_BIND"),
                     ("--ledger-replicas", "DEVHOST_LEDGER_REPLICAS"), ("--ledger-raft-port", "DEVHOST_LEDGER_RAFT_PORT"),
                     ("--traces", "DEVHOST_TRACES"), ("--portal-port", "DEVHOST_PORTAL_PORT"),
                 })
        {
            Assert.Contains(option, help, StringComparison.Ordinal);
            Assert.Contains(variable, help, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("--identity-port=6101")]
    [InlineData("--identity-port:6101")]
    public void An_option_and_its_value_may_be_joined(string argument)
    {
        Assert.Equal(6101, DevHostOptions.From([argument]).IdentityPort);
    }

    [Fact]
    public void An_unknown_option_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => DevHostOptions.From(["--identity-prot", "6101"]));
        Assert.Contains("--identity-prot", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_ports_are_the_documented_ones()
    {
        var options = DevHostOptions.From([]);
        Assert.Equal((5101, 5102, 5103, 5104), (options.IdentityPort, options.ConsentPort, options.RecordVaultPort, options.LedgerPort));
        Assert.Equal((3, 5204), (options.LedgerReplicas, options.LedgerRaftPort));
    }

    [Theory]
    [InlineData("2")]
    [InlineData("0")]
    [InlineData("three")]
    public void A_ledger_replica_count_without_a_majority_is_refused(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => DevHostOptions.From(["--ledger-replicas", value]));
        Assert.Contains("ledger-replicas", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ledger_replicas_elect_a_leader_and_agree_on_the_cluster()
    {
        var data = Directory.CreateTempSubdirectory("platform-devhost-ledger-").FullName;
        try
        {
            await using var host = await StartWithRaftPortsChosenAsync(data);
            using var client = new HttpClient();
            var deadline = DateTime.UtcNow.AddSeconds(20);
            string[] leaders = [];
            while (DateTime.UtcNow < deadline)
            {
                leaders = await Task.WhenAll(new[] { "ledger", "ledger-1", "ledger-2" }.Select(async name =>
                    System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri(host.Addresses[name], "/cluster/status")))
                        .RootElement.GetProperty("leader").GetString() ?? ""));
                if (leaders.All(l => l.Length > 0) && leaders.Distinct().Count() == 1)
                {
                    break;
                }
                await Task.Delay(50);
            }
            Assert.Single(leaders.Distinct());
            Assert.NotEqual("", leaders[0]);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>
    /// A fresh dev host with three ledger replicas starts without one error-level line (each replica once read the
    /// others' Data Protection keys from a shared folder and logged ~20 key-unwrap errors).
    /// </summary>
    [Fact]
    public async Task A_fresh_dev_host_logs_no_error_at_start()
    {
        var data = Directory.CreateTempSubdirectory("platform-devhost-logs-").FullName;
        var logs = new CapturedLogs();
        try
        {
            string[] atStart;
            await using (var host = await StartWithRaftPortsChosenAsync(data, (_, builder) => builder.Logging.AddProvider(logs)))
            {
                await AssertAllReadyAsync(host);
                // Up to ready, not the shutdown: replicas stopping one by one reset each other's Raft connections.
                atStart = [.. logs.Lines];
            }

            // DotNext's Raft server logs a peer's reset connection at error level: replicas give up a vote or a dial
            // after the election timeout by closing the connection (ElectionAnswerDeadlineStream, MemberConnectionFactory),
            // which a loaded machine hits while the first leader is elected. That is the transport, not a start-up fault.
            var errors = atStart.Where(l => l.Contains(" Error: ", StringComparison.Ordinal) || l.Contains(" Critical: ", StringComparison.Ordinal))
                .Where(l => !(l.StartsWith("DotNext.Net.Cluster.Consensus.Raft.NetworkTransport.", StringComparison.Ordinal)
                    && l.Contains("Connection reset by peer", StringComparison.Ordinal)))
                // The test's own readiness polls before the first leader is known: logged as an unhealthy check.
                .Where(l => !(l.StartsWith("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService ", StringComparison.Ordinal)
                    && l.Contains("with status Unhealthy", StringComparison.Ordinal)))
                .ToArray();
            Assert.True(errors.Length == 0, "errors at start:\n" + string.Join('\n', errors.Take(5)));
            Assert.Contains(atStart, l => l.Contains(" Information: ", StringComparison.Ordinal) || l.Contains(" Warning: ", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>
    /// Ports "of the system's choosing" (Raft and HTTP) are picked free (below the ephemeral range) and bound moments later,
    /// so another test process picking ports can still take one in between (the whole suite runs on this machine at once);
    /// such a start is tried again on fresh ports and a fresh folder.
    /// </summary>
    private static async Task<DevHostRunner> StartWithRaftPortsChosenAsync(string data,
        Action<string, Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configureService = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var host = new DevHostRunner(new DevHostOptions(Path.Combine(data, $"attempt-{attempt}"), 0, 0, 0, 0, "127.0.0.1", LedgerReplicas: 3, LedgerRaftPort: 0), configureService);
            try
            {
                await host.StartAsync(CancellationToken.None);
                return host;
            }
            catch (Exception e) when (IsAddressInUse(e) && attempt < 3)
            {
                await host.DisposeAsync();
            }
        }
    }

    // A Raft listener throws the SocketException itself; Kestrel wraps it (IOException, AddressInUseException) for an HTTP port.
    private static bool IsAddressInUse(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }
        return false;
    }

    private static async Task AssertAllReadyAsync(DevHostRunner host)
    {
        Assert.Equal(["consent", "identity", "ledger", "record-vault"], host.Addresses.Keys.Where(k => !k.StartsWith("ledger-", StringComparison.Ordinal)).Order());
        using var client = new HttpClient();
        foreach (var (name, address) in host.Addresses)
        {
            // Started is not ready: the ledger's replicas elect a leader first (a busy machine may take seconds).
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            HttpStatusCode status;
            string body;
            while (true)
            {
                using var response = await client.GetAsync(new Uri(address, "/health/ready"));
                (status, body) = (response.StatusCode, await response.Content.ReadAsStringAsync());
                if (status == HttpStatusCode.OK || DateTime.UtcNow > deadline)
                {
                    break;
                }
                await Task.Delay(250);
            }
            Assert.True(status == HttpStatusCode.OK, $"{name} was not ready: {(int)status} {body}");
            Assert.Contains("\"keys\"", body, StringComparison.Ordinal); // the software key provider is checked too
        }
    }
}
