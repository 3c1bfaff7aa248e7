using Platform.Ledger.Verification;

namespace Platform.Ledger.Core;

/// <summary>A checkpoint and the replica signatures gathered for it so far; final at a majority.</summary>
internal sealed class CheckpointRecord(Checkpoint checkpoint)
{
    private readonly List<CheckpointSignature> _signatures = [];

    public Checkpoint Checkpoint { get; } = checkpoint;

    public IReadOnlyList<CheckpointSignature> Signatures => _signatures;

    public bool IsFinal { get; private set; }

    public bool HasSigned(string replica) => _signatures.Any(s => s.Replica == replica);

    /// <summary>Adds a verified signature; returns true when this one made the checkpoint final.</summary>
    /// <param name="voter">Who a signature counts for (the replica by default; its member institution in a consortium, null for none): each voter counts once.</param>
    public bool Add(CheckpointSignature signature, int majority, Func<CheckpointSignature, string?>? voter = null)
    {
        _signatures.Add(signature);
        voter ??= s => s.Replica;
        if (IsFinal || _signatures.Select(voter).OfType<string>().Distinct(StringComparer.Ordinal).Count() < majority)
        {
            return false;
        }
        IsFinal = true;
        return true;
    }

    /// <summary>A record as a snapshot kept it: its signatures and whether they made it final when they arrived.</summary>
    public static CheckpointRecord Restore(Checkpoint checkpoint, IEnumerable<CheckpointSignature> signatures, bool isFinal)
    {
        var record = new CheckpointRecord(checkpoint) { IsFinal = isFinal };
        record._signatures.AddRange(signatures);
        return record;
    }

    public SignedCheckpoint ToSigned() => new(Checkpoint, _signatures.ToArray());
}
