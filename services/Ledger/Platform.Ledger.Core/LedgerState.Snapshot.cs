using System.Buffers.Text;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Platform.Crypto;
using Platform.Crypto.Jose;
using Platform.Ledger.Merkle;
using Platform.Ledger.Verification;
using Platform.SignedEvents;

namespace Platform.Ledger.Core;

/// <summary>The ledger state as a snapshot (format in README.md, "Snapshot"), so the Raft log behind it can be deleted.</summary>
public sealed partial class LedgerState
{
    /// <summary>Version byte of the snapshot format; a snapshot of any other version is refused.</summary>
    public const byte SnapshotVersion = 1;

    /// <summary>Version of a consortium ledger's snapshot: version 1 followed by the founding configuration (JSON).</summary>
    public const byte ConsortiumSnapshotVersion = 2;

    /// <summary>Version of a governed consortium ledger's snapshot: version 1 followed by the governance state (JSON).</summary>
    public const byte GovernedSnapshotVersion = 3;

    /// <summary>
    /// What a version 3 snapshot keeps of governance: every configuration (founding first), the proposals, the ledger's
    /// clock, and the evidence of each change and of the open proposals (absent from snapshots of earlier versions,
    /// which then serve no evidence for the changes before them).
    /// </summary>
    private sealed record GovernanceSnapshot(List<ConsortiumConfiguration> Configurations, List<GovernanceProposal> Proposals, long LedgerTime,
        List<ConfigurationChange>? Changes = null, Dictionary<string, List<SignedGovernanceDocument>>? OpenDocuments = null);

    /// <summary>
    /// Writes everything the state holds: the admitted events (with their event ids, the idempotency index), the tree
    /// root they give, publisher keys, replica keys, checkpoints with their signatures, and the rejected count.
    /// </summary>
    /// <remarks>
    /// The state is captured under the lock (references and small copies, no hashing), then written without it, so
    /// readers are held up for the copy only. Remembered submit outcomes are not kept: only the leader that appended a
    /// command asks for its outcome, right after applying it.
    /// </remarks>
    public async ValueTask WriteSnapshotAsync(Stream destination, CancellationToken ct)
    {
        string[] entries;
        Guid[] eventIds;
        byte[] root;
        PublisherKey[] publishers;
        ReplicaKey[] replicaKeys;
        (Checkpoint Checkpoint, CheckpointSignature[] Signatures, bool IsFinal)[] checkpoints;
        long rejected;
        ConsortiumConfiguration? consortium;
        GovernanceSnapshot? governance;
        lock (_gate)
        {
            consortium = _consortium;
            // Governed: once any governance entry took effect; until then a consortium keeps writing version 2.
            governance = _configurations.Count > 1 || _proposals.Count > 0
                ? new GovernanceSnapshot([.. _configurations], [.. _proposals.Values], _ledgerTime, [.. _changes],
                    _openDocuments.ToDictionary(p => p.Key, p => p.Value.ToList(), StringComparer.Ordinal))
                : null;
            entries = [.. _entries];
            eventIds = new Guid[entries.Length];
            foreach (var (eventId, leaf) in _leafByEvent)
            {
                eventIds[leaf] = eventId;
            }
            root = _tree.Root();
            publishers = [.. _publisherKeys.Values.OrderBy(k => k.Jwk.Kid, StringComparer.Ordinal)];
            replicaKeys = [.. _replicaKeys];
            checkpoints = [.. _checkpoints.Values.Select(c => (c.Checkpoint, c.Signatures.ToArray(), c.IsFinal))];
            rejected = Interlocked.Read(ref _rejected);
        }

        var writer = new SnapshotBinaryWriter(destination);
        // A ledger run by one operator keeps writing version 1, byte for byte as before.
        writer.WriteByte(governance is not null ? GovernedSnapshotVersion : consortium is null ? SnapshotVersion : ConsortiumSnapshotVersion);
        writer.WriteString(Options.LedgerId);
        writer.WriteInt64(entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            writer.WriteGuid(eventIds[i]);
            writer.WriteString(entries[i]);
            await writer.FlushIfFullAsync(ct).ConfigureAwait(false);
        }
        writer.WriteBytes(root);

        writer.WriteInt32(publishers.Length);
        foreach (var publisher in publishers)
        {
            writer.WriteString(publisher.Issuer);
            writer.WriteString(JsonSerializer.Serialize(publisher.Jwk));
        }

        writer.WriteInt32(replicaKeys.Length);
        foreach (var key in replicaKeys)
        {
            writer.WriteString(key.Replica);
            writer.WriteString(key.Kid);
            writer.WriteString(key.Kty);
            writer.WriteString(key.Crv);
            writer.WriteString(key.X);
            writer.WriteString(key.Y);
        }

        writer.WriteInt32(checkpoints.Length);
        foreach (var (checkpoint, signatures, isFinal) in checkpoints)
        {
            writer.WriteInt64(checkpoint.TreeSize);
            writer.WriteString(checkpoint.RootHash);
            writer.WriteInt64(checkpoint.Timestamp);
            writer.WriteByte(isFinal ? (byte)1 : (byte)0);
            writer.WriteInt32(signatures.Length);
            foreach (var signature in signatures)
            {
                writer.WriteString(signature.Replica);
                writer.WriteString(signature.Kid);
                writer.WriteString(signature.Signature);
            }
            await writer.FlushIfFullAsync(ct).ConfigureAwait(false);
        }

        writer.WriteInt64(rejected);
        if (governance is not null)
        {
            writer.WriteString(JsonSerializer.Serialize(governance));
        }
        else if (consortium is not null)
        {
            writer.WriteString(JsonSerializer.Serialize(consortium));
        }
        await writer.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces the whole state with a snapshot's. The tree is rebuilt from the events (their leaf hashes are not
    /// trusted from the file) and must give the root the snapshot recorded, and every checkpoint must be the rebuilt
    /// tree's head at its size; a snapshot of another ledger, of another version, or out of shape is refused with
    /// <see cref="InvalidDataException"/> and changes nothing.
    /// </summary>
    /// <remarks>
    /// Event signatures and checkpoint signatures are not verified again (at a million events that would take minutes):
    /// the replica that wrote the snapshot verified them when it applied the commands, as every replica does, and the
    /// checkpoints it holds were signed by a majority over the very tree rebuilt here.
    /// </remarks>
    public ValueTask RestoreSnapshotAsync(Stream source, CancellationToken ct)
    {
        var reader = new SnapshotBinaryReader(source);
        var version = reader.ReadByte();
        if (version is not (SnapshotVersion or ConsortiumSnapshotVersion or GovernedSnapshotVersion))
        {
            throw new InvalidDataException($"Ledger snapshot version {version} is not supported (this replica reads versions {SnapshotVersion} to {GovernedSnapshotVersion}).");
        }
        if (reader.ReadString() is var ledgerId && ledgerId != Options.LedgerId)
        {
            throw new InvalidDataException($"The snapshot belongs to ledger '{ledgerId}', not '{Options.LedgerId}'.");
        }

        var count = reader.ReadInt64();
        if (count is < 0 or > int.MaxValue)
        {
            throw new InvalidDataException($"A ledger snapshot with {count} entries is out of range.");
        }
        var tree = new MerkleTree();
        var entries = new List<string>((int)count);
        var leafByEvent = new Dictionary<Guid, long>((int)count);
        for (var i = 0; i < count; i++)
        {
            if (i % 4096 == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
            var eventId = reader.ReadGuid();
            var utf8 = reader.ReadUtf8();
            if (!leafByEvent.TryAdd(eventId, tree.AppendEntry(utf8)))
            {
                throw new InvalidDataException($"Event {eventId} appears twice in the ledger snapshot.");
            }
            entries.Add(Encoding.UTF8.GetString(utf8));
        }
        if (!CryptographicOperations.FixedTimeEquals(tree.Root(), reader.ReadBytes(MerkleHash.Size)))
        {
            throw new InvalidDataException("The ledger snapshot's events do not give the tree root it recorded.");
        }

        var publishers = ImmutableDictionary.CreateBuilder<string, PublisherKey>(StringComparer.Ordinal);
        for (var i = reader.ReadCount(1_000_000); i > 0; i--)
        {
            var issuer = reader.ReadString();
            var jwk = JsonSerializer.Deserialize<P256Jwk>(reader.ReadString())
                ?? throw new InvalidDataException("A publisher key in the ledger snapshot is empty.");
            publishers[jwk.Kid] = new PublisherKey(issuer, jwk);
        }

        var replicaKeys = new List<ReplicaKey>();
        for (var i = reader.ReadCount(1_000_000); i > 0; i--)
        {
            replicaKeys.Add(new ReplicaKey(reader.ReadString(), reader.ReadString(), reader.ReadString(), reader.ReadString(), reader.ReadString(), reader.ReadString()));
        }

        var checkpoints = new SortedDictionary<long, CheckpointRecord>();
        long? latestFinal = null;
        for (var i = reader.ReadCount(int.MaxValue); i > 0; i--)
        {
            var checkpoint = new Checkpoint(Options.LedgerId, reader.ReadInt64(), reader.ReadString(), reader.ReadInt64());
            var isFinal = reader.ReadByte() == 1;
            var signatures = new List<CheckpointSignature>();
            for (var s = reader.ReadCount(1_000); s > 0; s--)
            {
                signatures.Add(new CheckpointSignature(reader.ReadString(), reader.ReadString(), reader.ReadString()));
            }
            // A checkpoint must be the head of the rebuilt tree at its size: a snapshot cannot rewrite signed history.
            if (checkpoint.TreeSize <= 0 || checkpoint.TreeSize > tree.Size
                || checkpoint.RootHash != Base64Url.EncodeToString(tree.RootAt(checkpoint.TreeSize))
                || !checkpoints.TryAdd(checkpoint.TreeSize, CheckpointRecord.Restore(checkpoint, signatures, isFinal)))
            {
                throw new InvalidDataException($"The ledger snapshot's checkpoint at size {checkpoint.TreeSize} does not fit its tree.");
            }
            if (isFinal)
            {
                latestFinal = Math.Max(latestFinal ?? 0, checkpoint.TreeSize);
            }
        }
        var rejected = reader.ReadInt64();
        ConsortiumConfiguration? consortium = null;
        GovernanceSnapshot governance = new([], [], 0);
        if (version == ConsortiumSnapshotVersion)
        {
            consortium = JsonSerializer.Deserialize<ConsortiumConfiguration>(reader.ReadString());
            governance.Configurations.Add(consortium!);
        }
        else if (version == GovernedSnapshotVersion)
        {
            governance = JsonSerializer.Deserialize<GovernanceSnapshot>(reader.ReadString())
                ?? throw new InvalidDataException("The ledger snapshot's governance state is empty.");
            consortium = governance.Configurations.LastOrDefault();
        }
        if (version != SnapshotVersion && (governance.Configurations.Count == 0
            || governance.Configurations.Any(c => c is null || c.Problem() is not null || c.LedgerId != Options.LedgerId)))
        {
            throw new InvalidDataException("The ledger snapshot's consortium configuration is unusable or of another ledger.");
        }
        reader.ExpectEnd();

        lock (_gate)
        {
            _tree = tree;
            _entries = entries;
            _leafByEvent = leafByEvent;
            Volatile.Write(ref _publisherKeys, publishers.ToImmutable());
            _replicaKeys = replicaKeys;
            _checkpoints = checkpoints;
            _latestFinalSize = latestFinal;
            _consortium = consortium;
            _configurations.Clear();
            _configurations.AddRange(governance.Configurations);
            _proposals.Clear();
            foreach (var proposal in governance.Proposals)
            {
                _proposals[proposal.Id] = proposal;
            }
            _ledgerTime = governance.LedgerTime;
            _changes.Clear();
            _changes.AddRange(governance.Changes ?? []);
            _openDocuments.Clear();
            foreach (var (id, documents) in governance.OpenDocuments ?? [])
            {
                _openDocuments[id] = documents;
            }
            _governanceOutcomes.Clear();
            Interlocked.Exchange(ref _rejected, rejected);
            _outcomes.Clear();
            _batchOutcomes.Clear();
            _outcomeOrder.Clear();
            ReleaseFinalityWaiters();
        }
        return ValueTask.CompletedTask;
    }
}
