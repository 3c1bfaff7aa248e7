using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Ledger.Replication.Tests.Support;
using Platform.Testing;

namespace Platform.Ledger.Replication.Tests;

public sealed class ReplicaOptionsTests
{
    private static readonly IPEndPoint A = new(IPAddress.Loopback, 7001);
    private static readonly IPEndPoint B = new(IPAddress.Loopback, 7002);

    [Fact]
    public void The_initial_membership_has_no_duplicates()
    {
        Assert.Throws<ArgumentException>(() => Create(new ReplicaOptions { DataDirectory = "x", RaftEndPoint = A, Members = [A, B, B] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(new ReplicaOptions
        {
            DataDirectory = "x",
            RaftEndPoint = A,
            Members = [A],
            LowerElectionTimeout = TimeSpan.FromMilliseconds(300),
            UpperElectionTimeout = TimeSpan.FromMilliseconds(300),
        }));
        Assert.Equal(2, new ReplicaOptions { DataDirectory = "x", RaftEndPoint = A, Members = [A, B, new IPEndPoint(IPAddress.Loopback, 7003)] }.Majority);
    }

    [Fact]
    public async Task Empty_and_oversized_commands_are_rejected()
    {
        await using var replica = Create(new ReplicaOptions { DataDirectory = "x", RaftEndPoint = A, Members = [A], MaxCommandSize = 4 });
        await Assert.ThrowsAsync<ArgumentException>(() => replica.AppendAsync(ReadOnlyMemory<byte>.Empty, TimeSpan.FromSeconds(1), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => replica.AppendAsync(new byte[5], TimeSpan.FromSeconds(1), CancellationToken.None));
    }

    [Fact]
    public async Task A_data_directory_cannot_be_reused_by_another_member()
    {
        var directory = Path.Combine(Path.GetTempPath(), "raft-replication-tests", Guid.NewGuid().ToString("N"));
        var endpoints = FreePort.Allocate(2);
        try
        {
            await using (var owner = Create(new ReplicaOptions { DataDirectory = directory, RaftEndPoint = endpoints[0], Members = [endpoints[0]] }))
                await owner.StartAsync(CancellationToken.None);

            await using var intruder = Create(new ReplicaOptions { DataDirectory = directory, RaftEndPoint = endpoints[1], Members = [endpoints[1]] });
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => intruder.StartAsync(CancellationToken.None));
            Assert.Contains(endpoints[0].ToString(), error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_data_directory_bound_to_an_address_is_migrated_once_to_the_replica_name()
    {
        var directory = Path.Combine(Path.GetTempPath(), "raft-replication-tests", Guid.NewGuid().ToString("N"));
        var endpoint = FreePort.Allocate(1)[0];
        var named = new DnsEndPoint("localhost", endpoint.Port);
        try
        {
            // A directory as the previous version left it: a WAL with a committed command and the old address marker.
            await using (var old = Create(new ReplicaOptions { DataDirectory = directory, RaftEndPoint = endpoint, Members = [endpoint] }))
            {
                await old.StartAsync(CancellationToken.None);
                await old.AppendAsync(new byte[] { 42 }, TimeSpan.FromSeconds(5), CancellationToken.None);
            }
            File.Delete(Path.Combine(directory, "replica-identity"));
            File.WriteAllText(Path.Combine(directory, "replica-endpoint"), "10.1.2.3:7400\n");

            var applied = new List<byte[]>();
            var options = new ReplicaOptions { DataDirectory = directory, RaftEndPoint = named, Members = [named], Identity = "test-ledger/ledger-0" };
            await using (var migrated = new RaftReplica(options, (_, c, _) => { applied.Add(c.ToArray()); return ValueTask.CompletedTask; }, NullLoggerFactory.Instance))
                await migrated.StartAsync(CancellationToken.None);

            Assert.Equal([42], Assert.Single(applied));
            Assert.False(File.Exists(Path.Combine(directory, "replica-endpoint")));
            Assert.Equal("test-ledger/ledger-0", File.ReadAllText(Path.Combine(directory, "replica-identity")).Trim());

            // From now on the name is what counts: another replica name is refused on this directory.
            await using var other = Create(options with { Identity = "test-ledger/ledger-1" });
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => other.StartAsync(CancellationToken.None));
            Assert.Contains("test-ledger/ledger-0", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static RaftReplica Create(ReplicaOptions options) =>
        new(options, (_, _, _) => ValueTask.CompletedTask, NullLoggerFactory.Instance);
}
