using Platform.Testing;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Ledger.Replication.Tests.Support;

namespace Platform.Ledger.Replication.Tests;

public sealed class ReplicaOptionsTests
{
    private static readonly IPEndPoint A = new(IPAddress.Loopback, 7001);
    private static readonly IPEndPoint B = new(IPAddress.Loopback, 7002);

    [Fact]
    public void Membership_must_contain_self_exactly_once()
    {
        Assert.Throws<ArgumentException>(() => Create(new ReplicaOptions { DataDirectory = "x", RaftEndPoint = A, Members = [B] }));
        Assert.Throws<ArgumentException>(() => Create(new ReplicaOptions { DataDirectory = "x", RaftEndPoint = A, Members = [A, B, B] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Create(new ReplicaOptions
        {
            DataDirectory = "x",
            RaftEndPoint = A,
            Members = [A],
            LowerElectionTimeout = TimeSpan.FromMilliseconds(300),
            UpperElectionTimeout = TimeSpan.FromMilliseconds(300),
        }));
        Assert.Equal(2, new ReplicaOptions { DataDirectory = "x", RaftEndPoint = A, Members = [A, B, new(IPAddress.Loopback, 7003)] }.Majority);
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

    private static RaftReplica Create(ReplicaOptions options) =>
        new(options, (_, _, _) => ValueTask.CompletedTask, NullLoggerFactory.Instance);
}
