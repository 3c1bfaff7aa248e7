using System.Globalization;
using DotNext.IO;
using DotNext.Net.Cluster.Consensus.Raft.StateMachine;

namespace Platform.Ledger.Replication;

/// <summary>
/// A snapshot file (<c>{index}-{term}</c>, see <see cref="SnapshotFile"/>) as the WAL sees it: the snapshot it
/// truncates the log behind, and the log entry it sends to a follower that needs what the log no longer holds.
/// </summary>
internal sealed class SnapshotFileEntry(FileInfo file, long index, long term) : ISnapshot
{
    internal FileInfo File { get; } = file;

    public long Index { get; } = index;

    public long Term { get; } = term;

    bool IDataTransferObject.IsReusable => true;

    long? IDataTransferObject.Length => File.Length;


    /// <summary>Reads <c>{index}-{term}</c>; null for any other name (temporary files).</summary>
    internal static SnapshotFileEntry? FromName(FileInfo file) =>
        file.Name.Split('-') is [var index, var term]
        && long.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i)
        && long.TryParse(term, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            ? new SnapshotFileEntry(file, i, t)
            : null;

    async ValueTask IDataTransferObject.WriteToAsync<TWriter>(TWriter writer, CancellationToken token)
    {
        await using var stream = SnapshotFile.OpenRead(File);
        await writer.CopyFromAsync(stream, null, token).ConfigureAwait(false);
    }
}
