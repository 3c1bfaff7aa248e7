using System.Text;
using DotNext.IO.Log;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Ledger.Replication.Tests.Support;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Ledger.Replication.Tests;

public sealed class FaultTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "raft-replication-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task A_corrupted_wal_refuses_to_start_instead_of_replaying_garbage()
    {
        var options = SingleMember();
        await using (var replica = new RaftReplica(options, (_, _, _) => ValueTask.CompletedTask, NullLoggerFactory.Instance))
        {
            await replica.StartAsync(CancellationToken.None);
            await replica.WaitForLeaderAsync(TestCluster.AppendTimeout, CancellationToken.None);
            for (var i = 0; i < 5; i++)
                await replica.AppendAsync(TestCluster.Bytes($"corrupt-me-{i}"), TestCluster.AppendTimeout, CancellationToken.None);
        }

        // Flip one byte of a stored command, as a bad disk sector would.
        var chunk = Path.Combine(_directory, "wal", "data", "0");
        var bytes = await File.ReadAllBytesAsync(chunk);
        var offset = bytes.AsSpan().IndexOf("corrupt-me-2"u8);
        Assert.True(offset >= 0, "the command is stored verbatim in the first data chunk");
        bytes[offset] ^= 0xFF;
        await File.WriteAllBytesAsync(chunk, bytes);

        var applied = new AppliedLog();
        await using var restarted = new RaftReplica(options, applied.Apply, NullLoggerFactory.Instance);
        await Assert.ThrowsAnyAsync<IntegrityException>(() => restarted.StartAsync(CancellationToken.None));
        Assert.Equal(0, applied.Count);
    }

    [Fact]
    public async Task A_throwing_apply_stops_the_replica_from_acknowledging_anything_further()
    {
        var applied = new List<string>();
        await using var replica = new RaftReplica(
            SingleMember(),
            (_, command, _) =>
            {
                var text = Encoding.UTF8.GetString(command.Span);
                if (text == "poison")
                    throw new InvalidDataException("state machine bug");
                applied.Add(text);
                return ValueTask.CompletedTask;
            },
            NullLoggerFactory.Instance);
        await replica.StartAsync(CancellationToken.None);
        await replica.WaitForLeaderAsync(TestCluster.AppendTimeout, CancellationToken.None);

        await replica.AppendAsync(TestCluster.Bytes("before"), TestCluster.AppendTimeout, CancellationToken.None);
        var poisoned = await Assert.ThrowsAsync<InvalidOperationException>(() => replica.AppendAsync(TestCluster.Bytes("poison"), TestCluster.AppendTimeout, CancellationToken.None));
        var after = await Assert.ThrowsAsync<InvalidOperationException>(() => replica.AppendAsync(TestCluster.Bytes("after"), TestCluster.AppendTimeout, CancellationToken.None));
        output.WriteLine($"{poisoned.Message} <- {poisoned.InnerException}");

        Assert.Contains("no longer applies committed entries", after.Message, StringComparison.Ordinal);
        Assert.Equal(["before"], applied);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    private ReplicaOptions SingleMember()
    {
        var endpoint = FreePort.Allocate(1)[0];
        return new ReplicaOptions { DataDirectory = _directory, RaftEndPoint = endpoint, Members = [endpoint] };
    }
}
