using System.Text;
using System.Text.Json;

namespace Platform.Ledger.Replication.Tests.Support;

/// <summary>
/// What one replica instance's <see cref="ApplyCommand"/> saw, in order; with snapshots on, what it restored from a
/// snapshot comes first (the commands the snapshot covered, with their indexes).
/// </summary>
internal sealed class AppliedLog : ISnapshottableState
{
    private readonly Lock gate = new();
    private readonly List<AppliedCommand> applied = [];
    private string? violation;

    public ApplyCommand Apply => (index, command, _) =>
    {
        lock (gate)
        {
            // Log order is part of the contract: record the first violation instead of throwing into the WAL applier.
            if (applied.Count > 0 && index <= applied[^1].Index)
                violation ??= $"index {index} applied after {applied[^1].Index}";
            applied.Add(new AppliedCommand(index, Encoding.UTF8.GetString(command.Span)));
        }

        return ValueTask.CompletedTask;
    };

    public async ValueTask WriteSnapshotAsync(Stream destination, CancellationToken ct)
    {
        byte[] bytes;
        lock (gate)
            bytes = JsonSerializer.SerializeToUtf8Bytes(applied);
        await destination.WriteAsync(bytes, ct);
    }

    public async ValueTask RestoreSnapshotAsync(Stream source, CancellationToken ct)
    {
        var restored = await JsonSerializer.DeserializeAsync<List<AppliedCommand>>(source, cancellationToken: ct)
            ?? throw new InvalidDataException("empty snapshot");
        lock (gate)
        {
            applied.Clear();
            applied.AddRange(restored);
        }
    }

    public IReadOnlyList<AppliedCommand> Snapshot()
    {
        lock (gate)
        {
            Assert.True(violation is null, violation);
            return [.. applied];
        }
    }

    public int Count
    {
        get
        {
            lock (gate)
                return applied.Count;
        }
    }

    public bool Contains(string command)
    {
        lock (gate)
            return applied.Exists(a => a.Command == command);
    }
}

internal sealed record AppliedCommand(long Index, string Command);
