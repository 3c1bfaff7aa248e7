using System.Buffers.Binary;
using System.Net;
using System.Text;
using DotNext.Buffers;
using DotNext.Net.Cluster.Consensus.Raft.Membership;

namespace Platform.Ledger.Replication;

/// <summary>
/// The cluster membership as this replica last learned it, in <c>&lt;DataDirectory&gt;/membership</c> (DotNext's
/// persistent configuration storage: a version, the log index of the configuration, then the members). Members are
/// stored as <c>host:port</c> (<see cref="RaftEndPoints"/>), so a named member stays a name.
/// </summary>
/// <remarks>
/// DotNext writes it when a configuration entry is applied (or installed by the leader); on start it wins over
/// <see cref="ReplicaOptions.Members"/>, which only seeds a directory that has none. It is kept outside the WAL
/// directory on purpose: the WAL may be compacted, the membership must not be forgotten with it.
/// </remarks>
internal sealed class MembershipFile(string path) : PersistentClusterConfigurationStorage<EndPoint>(path)
{
    internal const string FileName = "membership";

    protected override void Encode(EndPoint address, ref BufferWriterSlim<byte> writer)
    {
        var text = Encoding.UTF8.GetBytes(RaftEndPoints.Format(address));
        BinaryPrimitives.WriteInt32LittleEndian(writer.GetSpan(sizeof(int)), text.Length);
        writer.Advance(sizeof(int));
        writer.Write(text);
    }

    protected override EndPoint Decode(ref SequenceReader reader)
    {
        var length = reader.ReadLittleEndian<int>();
        var text = new byte[length];
        reader.Read(text);
        return RaftEndPoints.Parse(Encoding.UTF8.GetString(text));
    }

    /// <summary>
    /// Writes the initial membership into a directory that has none yet. A replica that is not among
    /// <paramref name="members"/> writes nothing: it starts outside the cluster and waits to be added.
    /// </summary>
    internal async Task SeedAsync(EndPoint self, IReadOnlyList<EndPoint> members, CancellationToken ct)
    {
        IClusterConfigurationStorage<EndPoint> storage = this;
        var current = await storage.LoadConfigurationAsync(ct).ConfigureAwait(false);
        if (current.Members.Count > 0 || !members.Contains(self))
            return;
        foreach (var member in members)
            current = current.Add(member);
        await ((IClusterConfigurationStorage)this).SaveConfigurationAsync(current, 0L, ct).ConfigureAwait(false);
    }
}
