using DotNext.IO;
using DotNext.Net.Cluster.Consensus.Raft;

namespace Platform.Ledger.Replication;

/// <summary>
/// A log entry as a follower received it (term, kind and bytes), kept by <see cref="AcknowledgedEntryJournal"/> and
/// appended to the WAL again from there after a restart.
/// </summary>
internal readonly struct JournaledEntry : IRaftLogEntry
{
    public required long Term { get; init; }

    public required ReadOnlyMemory<byte> Content { get; init; }

    public int? CommandId { get; init; }

    public bool IsConfiguration { get; init; }

    bool DotNext.IO.Log.ILogEntry.IsSnapshot => false;

    long? IDataTransferObject.Length => Content.Length;

    bool IDataTransferObject.IsReusable => true;

    bool IDataTransferObject.TryGetMemory(out ReadOnlyMemory<byte> memory)
    {
        memory = Content;
        return true;
    }

    ValueTask IDataTransferObject.WriteToAsync<TWriter>(TWriter writer, CancellationToken token) => writer.Invoke(Content, token);
}
