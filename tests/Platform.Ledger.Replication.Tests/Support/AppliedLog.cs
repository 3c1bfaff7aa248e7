using System.Text;
using System.Text.Json;

namespace Platform.Ledger.Replication.Tests.Support;

/// <summary>
/// What one replica instance's <see cref="ApplyCommand"/> saw, in order; with snapshots on, what it restored from a
/// snapshot comes first (the commands the snapshot covered, with their indexes).
/// </summary>
internal sealed class AppliedLog : ISnapshottableState
{
    private readonly Lock _gate = new();
    private readonly List<AppliedCommand> _applied = [];
    private string? _violation;

    public ApplyCommand Apply => (index, command, _) =>
    {
        lock (_gate)
        {
            // Log order is part of the contract: record the first violation instead of throwing into the WAL applier.
            if (_applied.Count > 0 && index <= _applied[^1].Index)
                _violation ??= $"index {index} applied after {_applied[^1].Index}";
            _applied.Add(new AppliedCommand(index, Encoding.UTF8.GetString(command.Span)));
        }

        return ValueTask.CompletedTask;
    };

    public async ValueTask WriteSnapshotAsync(Stream destination, CancellationToken ct)
    {
        byte[] bytes;
        lock (_gate)
            bytes = JsonSerializer.SerializeToUtf8Bytes(_applied);
        await destination.WriteAsync(bytes, ct);
    }

    public async ValueTask RestoreSnapshotAsync(Stream source, CancellationToken ct)
    {
        var restored = await JsonSerializer.DeserializeAsync<List<AppliedCommand>>(source, cancellationToken: ct)
            ?? throw new InvalidDataException("empty snapshot");
        lock (_gate)
        {
            _applied.Clear();
            _applied.AddRange(restored);
        }
    }

    public IReadOnlyList<AppliedCommand> Snapshot()
    {
        lock (_gate)
        {
            Assert.True(_violation is null, _violation);
            return [.. _applied];
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
                return _applied.Count;
        }
    }

    public bool Contains(string command)
    {
        lock (_gate)
            return _applied.Exists(a => a.Command == command);
    }
}

internal sealed record AppliedCommand(long Index, string Command);
