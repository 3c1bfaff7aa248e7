using System.Buffers.Text;
using System.Text;
using Platform.Crypto;
using Platform.Crypto.Jose;
using Platform.Ledger.Merkle;
using Platform.Ledger.Verification;
using Platform.SignedEvents;

namespace Platform.Ledger.Core;

/// <summary>
/// The ledger's state machine. <see cref="Apply"/> is called with every committed Raft entry, in log order, on every
/// replica (and again from the write-ahead log after a restart), so it must decide everything from the commands alone:
/// the same log gives the same tree, the same checkpoints and the same verdicts everywhere. After a snapshot
/// (<see cref="WriteSnapshotAsync"/>, LedgerState.Snapshot.cs) the log before it is gone; a replica then starts from
/// <see cref="RestoreSnapshotAsync"/> and applies only the entries after it.
/// </summary>
public sealed partial class LedgerState(LedgerOptions options)
{
    private const int RememberedOutcomeEntries = 100_000;

    private readonly Lock _gate = new();
    // Replaced as a whole only by RestoreSnapshotAsync, under the lock.
    private MerkleTree _tree = new();
    private List<string> _entries = [];
    private Dictionary<Guid, long> _leafByEvent = [];
    // Replaced, never mutated: readers outside the lock (pre-validation) see a consistent set without copying it.
    private System.Collections.Immutable.ImmutableDictionary<string, PublisherKey> _publisherKeys =
        System.Collections.Immutable.ImmutableDictionary.Create<string, PublisherKey>(StringComparer.Ordinal);
    private List<ReplicaKey> _replicaKeys = [];
    private SortedDictionary<long, CheckpointRecord> _checkpoints = [];
    private readonly Dictionary<long, SubmitOutcome> _outcomes = [];
    private readonly Dictionary<long, SubmitOutcome[]> _batchOutcomes = [];
    private readonly Queue<long> _outcomeOrder = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _verifiedHere = new(StringComparer.Ordinal);
    private long? _latestFinalSize;
    private long _rejected;
    // Set once, by the founding entry (LedgerState.Consortium.cs); null for a ledger run by one operator.
    private ConsortiumConfiguration? _consortium;

    public LedgerOptions Options { get; } = options;

    /// <summary>Raised (under no lock) when a block closed and this replica should sign its checkpoint.</summary>
    public event Action<Checkpoint>? BlockClosed;

    /// <summary>Raised (under no lock) when a checkpoint reached a majority of signatures.</summary>
    public event Action<SignedCheckpoint>? CheckpointFinal;

    public void Apply(long index, ReadOnlySpan<byte> bytes)
    {
        Checkpoint? closed = null;
        SignedCheckpoint? final = null;
        var command = LedgerCommand.FromBytes(bytes);
        // A batch's signatures are checked before taking the lock and across cores: only Apply changes the key
        // registry, and Apply never runs concurrently with itself, so the keys read now are the keys of this entry.
        var batchValidations = command is SubmitBatch batch ? ValidateBatch(batch.SignedEvents) : null;
        lock (_gate)
        {
            switch (command)
            {
                case SubmitEvent submit:
                    Remember(index, Submit(submit.SignedEvent, SignedEventValidator.Validate(submit.SignedEvent,
                        kid => _publisherKeys.GetValueOrDefault(kid), _verifiedHere.TryRemove(submit.SignedEvent, out _))));
                    break;
                case SubmitBatch submitBatch:
                    RememberBatch(index, submitBatch.SignedEvents, batchValidations!);
                    break;
                case RegisterPublisherKey register:
                    // First registration of a kid wins: a kid never changes its key, so old events keep verifying.
                    if (!_publisherKeys.ContainsKey(register.Jwk.Kid))
                    {
                        _publisherKeys = _publisherKeys.Add(register.Jwk.Kid, new PublisherKey(register.Issuer, register.Jwk));
                    }
                    break;
                case FoundConsortium founding:
                    Found(founding.Configuration);
                    break;
                case GovernanceEntry governance:
                    Govern(governance.Document, governance.Timestamp);
                    break;
                case RegisterReplicaKey replica:
                    // In a consortium the keys are the members' (configuration state), never a replica's own say-so.
                    if (_consortium is null && !_replicaKeys.Any(k => k.Replica == replica.Replica && k.Kid == replica.Jwk.Kid))
                    {
                        _replicaKeys.Add(new ReplicaKey(replica.Replica, replica.Jwk.Kid, replica.Jwk.Kty, replica.Jwk.Crv, replica.Jwk.X, replica.Jwk.Y));
                    }
                    break;
                case CloseBlock close:
                    _ledgerTime = Math.Max(_ledgerTime, close.Timestamp);
                    closed = Close(close.Timestamp);
                    break;
                case SignCheckpoint sign:
                    final = AddSignature(sign);
                    break;
                default:
                    break; // unreadable entry: skipped identically by every replica
            }
        }
        if (closed is not null)
        {
            BlockClosed?.Invoke(closed);
        }
        if (final is not null)
        {
            CheckpointFinal?.Invoke(final);
        }
    }

    /// <summary>The outcome of the submit command at a Raft index, once applied on this replica.</summary>
    public SubmitOutcome? OutcomeAt(long index)
    {
        lock (_gate)
        {
            return _outcomes.GetValueOrDefault(index);
        }
    }

    /// <summary>
    /// The outcomes of the submit or batch command at a Raft index, once applied on this replica: one per event, in
    /// the command's order (one for a <see cref="SubmitEvent"/>).
    /// </summary>
    public IReadOnlyList<SubmitOutcome>? OutcomesAt(long index)
    {
        lock (_gate)
        {
            return _batchOutcomes.TryGetValue(index, out var batch) ? batch
                : _outcomes.TryGetValue(index, out var single) ? [single] : null;
        }
    }

    /// <summary>
    /// Checks a signed event against the current registry without changing anything (to refuse early). A pass is
    /// remembered, so when this replica applies the same event its signature is not verified a second time: keys
    /// are only ever added, so a signature valid now stays valid. Other replicas verify it themselves.
    /// </summary>
    public SignedEventValidation Validate(string signedEvent)
    {
        // Outside the lock: verification is the expensive part and must not hold up applying the log.
        var keys = Volatile.Read(ref _publisherKeys);
        var result = SignedEventValidator.Validate(signedEvent, kid => keys.GetValueOrDefault(kid));
        if (result.IsValid)
        {
            if (_verifiedHere.Count > 100_000)
            {
                _verifiedHere.Clear(); // bounded memory; a miss only costs one more verification
            }
            _verifiedHere.TryAdd(signedEvent, 0);
        }
        return result;
    }

    public long TreeSize
    {
        get
        {
            lock (_gate)
            {
                return _tree.Size;
            }
        }
    }

    public long RejectedCount => Interlocked.Read(ref _rejected);

    /// <summary>The tree size of the newest checkpoint, final or not (0 when there is none).</summary>
    public long LastCheckpointSize
    {
        get
        {
            lock (_gate)
            {
                return _checkpoints.Count == 0 ? 0 : _checkpoints.Keys.Last();
            }
        }
    }

    public bool HasSigned(long treeSize, string replica)
    {
        lock (_gate)
        {
            return _checkpoints.TryGetValue(treeSize, out var record) && (record.IsFinal || record.HasSigned(replica));
        }
    }

    public bool HasPublisherKey(string kid) => Volatile.Read(ref _publisherKeys).ContainsKey(kid);

    public bool HasReplicaKey(string replica, string kid)
    {
        lock (_gate)
        {
            return _replicaKeys.Any(k => k.Replica == replica && k.Kid == kid);
        }
    }

    public IReadOnlyList<ReplicaKey> ReplicaKeys()
    {
        lock (_gate)
        {
            return _replicaKeys.ToArray();
        }
    }

    public (string SignedEvent, string LeafHash)? Entry(long leafIndex)
    {
        lock (_gate)
        {
            return leafIndex >= 0 && leafIndex < _entries.Count
                ? (_entries[(int)leafIndex], Base64Url.EncodeToString(_tree.LeafHash(leafIndex)))
                : null;
        }
    }

    public long? LeafIndexOf(Guid eventId)
    {
        lock (_gate)
        {
            return _leafByEvent.TryGetValue(eventId, out var leaf) ? leaf : null;
        }
    }

    public SignedCheckpoint? LatestFinalCheckpoint()
    {
        lock (_gate)
        {
            return _latestFinalSize is { } size ? _checkpoints[size].ToSigned() : null;
        }
    }

    /// <summary>The checkpoint recorded at exactly this tree size (final or still gathering signatures).</summary>
    public (SignedCheckpoint Checkpoint, bool IsFinal)? CheckpointAt(long treeSize)
    {
        lock (_gate)
        {
            return _checkpoints.TryGetValue(treeSize, out var record) ? (record.ToSigned(), record.IsFinal) : null;
        }
    }

    /// <summary>Every final checkpoint, oldest first (the audit history).</summary>
    public IReadOnlyList<SignedCheckpoint> FinalCheckpoints()
    {
        lock (_gate)
        {
            return _checkpoints.Values.Where(c => c.IsFinal).Select(c => c.ToSigned()).ToArray();
        }
    }

    public IReadOnlyList<string>? ConsistencyProof(long size1, long size2)
    {
        lock (_gate)
        {
            return size1 < 0 || size2 < size1 || size2 > _tree.Size
                ? null
                : _tree.ConsistencyProof(size1, size2).Select(n => Base64Url.EncodeToString(n)).ToArray();
        }
    }

    public ReceiptLookup ReceiptFor(Guid eventId)
    {
        lock (_gate)
        {
            if (!_leafByEvent.TryGetValue(eventId, out var leaf))
            {
                return new ReceiptLookup(ReceiptStatus.NotFound, null, null);
            }
            if (_latestFinalSize is not { } size || size <= leaf)
            {
                return new ReceiptLookup(ReceiptStatus.Pending, leaf, null);
            }
            var path = _tree.InclusionProof(leaf, size).Select(n => Base64Url.EncodeToString(n)).ToArray();
            var receipt = new Receipt(_consortium is null ? Receipt.CurrentVersion : Receipt.ConsortiumVersion,
                Base64Url.EncodeToString(Encoding.UTF8.GetBytes(_entries[(int)leaf])), leaf, path,
                _checkpoints[size].ToSigned(), _replicaKeys.ToArray(), ConfigurationOf(_checkpoints[size].ToSigned()));
            return new ReceiptLookup(ReceiptStatus.Ready, leaf, receipt);
        }
    }

    private SubmitOutcome Submit(string signedEvent, SignedEventValidation validation)
    {
        if (!validation.IsValid)
        {
            Interlocked.Increment(ref _rejected);
            return SubmitOutcome.Rejected(validation.ErrorCode!, validation.Reason!);
        }
        var eventId = validation.Payload!.EventId;
        if (_leafByEvent.TryGetValue(eventId, out var existing))
        {
            return SubmitOutcome.Duplicate(eventId, existing);
        }
        var leaf = _tree.AppendEntry(Encoding.UTF8.GetBytes(signedEvent));
        _entries.Add(signedEvent);
        _leafByEvent[eventId] = leaf;
        return SubmitOutcome.Committed(eventId, leaf);
    }

    private Checkpoint? Close(long timestamp)
    {
        var size = _tree.Size;
        if (size == 0 || _checkpoints.ContainsKey(size))
        {
            return null; // nothing new since the last block
        }
        var checkpoint = new Checkpoint(Options.LedgerId, size, Base64Url.EncodeToString(_tree.Root()), timestamp);
        _checkpoints[size] = new CheckpointRecord(checkpoint);
        return checkpoint;
    }

    private SignedCheckpoint? AddSignature(SignCheckpoint sign)
    {
        if (!_checkpoints.TryGetValue(sign.TreeSize, out var record) || record.HasSigned(sign.Replica))
        {
            return null;
        }
        var key = _replicaKeys.FirstOrDefault(k => k.Replica == sign.Replica && k.Kid == sign.Kid);
        if (key is null || StrictBase64Url.TryDecode(sign.Signature) is not { } signature || !key.Verifies(record.Checkpoint.SigningBytes(), signature))
        {
            return null; // a signature that does not verify never counts
        }
        if (_consortium is { } consortium)
        {
            // One vote per member institution, however many of its replicas signed.
            var final = record.Add(new CheckpointSignature(sign.Replica, sign.Kid, sign.Signature), consortium.Majority,
                s => consortium.MemberOf(s.Replica, s.Kid)?.Name); // a removed member's earlier signatures no longer count
            return final ? MarkFinal(record) : null;
        }
        // A majority of the configured replicas, and never less than a majority of every replica that ever registered a
        // key: that is what a verifier counts (CheckpointVerifier), also after members were added or removed.
        var majority = Math.Max(Options.Majority, (_replicaKeys.Select(k => k.Replica).Distinct(StringComparer.Ordinal).Count() / 2) + 1);
        return record.Add(new CheckpointSignature(sign.Replica, sign.Kid, sign.Signature), majority) ? MarkFinal(record) : null;
    }

    private SignedCheckpoint MarkFinal(CheckpointRecord record)
    {
        _latestFinalSize = Math.Max(_latestFinalSize ?? 0, record.Checkpoint.TreeSize);
        ReleaseFinalityWaiters();
        return record.ToSigned();
    }

    private void Remember(long index, SubmitOutcome outcome)
    {
        _outcomes[index] = outcome;
        Forget(index);
    }

    private void RememberBatch(long index, IReadOnlyList<string> signedEvents, SignedEventValidation[] validations)
    {
        // In batch order, as if each event had its own entry: a repeat within the batch is a duplicate of the first.
        var outcomes = new SubmitOutcome[signedEvents.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = Submit(signedEvents[i], validations[i]);
        }
        _batchOutcomes[index] = outcomes;
        Forget(index);
    }

    // Outcomes are kept for the leader's answer right after applying; only the newest ones are remembered.
    private void Forget(long index)
    {
        _outcomeOrder.Enqueue(index);
        if (_outcomeOrder.Count > RememberedOutcomeEntries)
        {
            var oldest = _outcomeOrder.Dequeue();
            _outcomes.Remove(oldest);
            _batchOutcomes.Remove(oldest);
        }
    }
}
