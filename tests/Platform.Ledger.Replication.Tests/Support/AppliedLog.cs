using System.Text;

namespace Platform.Ledger.Replication.Tests.Support;

/// <summary>What one replica instance's <see cref="ApplyCommand"/> saw, in order.</summary>
internal sealed class AppliedLog
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
