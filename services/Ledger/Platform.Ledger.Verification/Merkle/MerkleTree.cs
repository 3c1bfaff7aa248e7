namespace Platform.Ledger.Merkle;

/// <summary>
/// An append-only Merkle tree over leaf hashes (RFC 9162 §2.1). It keeps every complete (perfect) subtree's hash,
/// so the root at any past size and every proof cost O(log n) hashes: in RFC 9162's recursive definitions the left
/// part of every split is a perfect subtree that never changes once complete.
/// Not thread-safe: the ledger's state machine appends from one thread and serialises readers.
/// </summary>
public sealed class MerkleTree
{
    // _levels[h][i] = hash of the perfect subtree of 2^h leaves starting at leaf i * 2^h.
    private readonly List<List<byte[]>> _levels = [[]];

    public long Size => _levels[0].Count;

    /// <summary>Appends a leaf hash (<see cref="MerkleHash.Leaf"/> of the entry); returns its index.</summary>
    public long AppendLeafHash(byte[] leafHash)
    {
        if (leafHash.Length != MerkleHash.Size)
        {
            throw new ArgumentException($"A leaf hash is {MerkleHash.Size} bytes.", nameof(leafHash));
        }
        var index = Size;
        _levels[0].Add(leafHash);
        // Complete every perfect subtree that this leaf closes.
        for (var height = 0; _levels[height].Count % 2 == 0; height++)
        {
            if (_levels.Count == height + 1)
            {
                _levels.Add([]);
            }
            var level = _levels[height];
            _levels[height + 1].Add(MerkleHash.Node(level[^2], level[^1]));
        }
        return index;
    }

    public long AppendEntry(ReadOnlySpan<byte> entry) => AppendLeafHash(MerkleHash.Leaf(entry));

    public byte[] LeafHash(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Size);
        return _levels[0][(int)index];
    }

    /// <summary>MTH(D[0:size]): the root hash the tree had when it held <paramref name="size"/> leaves.</summary>
    public byte[] RootAt(long size)
    {
        CheckSize(size);
        return size == 0 ? MerkleHash.EmptyRoot() : SubtreeHash(0, size);
    }

    public byte[] Root() => RootAt(Size);

    /// <summary>PATH(index, D[0:size]) of RFC 9162 §2.1.3.1: the audit path proving leaf <paramref name="index"/> is in the tree of that size.</summary>
    public IReadOnlyList<byte[]> InclusionProof(long index, long size)
    {
        CheckSize(size);
        if (index < 0 || index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Leaf {index} is not in a tree of size {size}.");
        }
        var path = new List<byte[]>();
        Path(index, 0, size, path);
        return path;
    }

    /// <summary>PROOF(size1, D[0:size2]) of RFC 9162 §2.1.4.1: proves the tree of size1 is a prefix of the tree of size2.</summary>
    public IReadOnlyList<byte[]> ConsistencyProof(long size1, long size2)
    {
        CheckSize(size2);
        if (size1 < 0 || size1 > size2)
        {
            throw new ArgumentOutOfRangeException(nameof(size1), $"Size {size1} is not between 0 and {size2}.");
        }
        var proof = new List<byte[]>();
        if (size1 > 0 && size1 < size2)
        {
            SubProof(size1, 0, size2, complete: true, proof);
        }
        return proof;
    }

    // PATH(m, D[start:start+n]), appending nodes leaf-to-root.
    private void Path(long m, long start, long n, List<byte[]> path)
    {
        if (n == 1)
        {
            return;
        }
        var k = LargestPowerOfTwoBelow(n);
        if (m < k)
        {
            Path(m, start, k, path);
            path.Add(SubtreeHash(start + k, n - k));
        }
        else
        {
            Path(m - k, start + k, n - k, path);
            path.Add(SubtreeHash(start, k));
        }
    }

    // SUBPROOF(m, D[start:start+n], b).
    private void SubProof(long m, long start, long n, bool complete, List<byte[]> proof)
    {
        if (m == n)
        {
            if (!complete)
            {
                proof.Add(SubtreeHash(start, n));
            }
            return;
        }
        var k = LargestPowerOfTwoBelow(n);
        if (m <= k)
        {
            SubProof(m, start, k, complete, proof);
            proof.Add(SubtreeHash(start + k, n - k));
        }
        else
        {
            SubProof(m - k, start + k, n - k, complete: false, proof);
            proof.Add(SubtreeHash(start, k));
        }
    }

    // MTH(D[start:start+n]) for n >= 1; perfect aligned subtrees come from the cache.
    private byte[] SubtreeHash(long start, long n)
    {
        if ((n & (n - 1)) == 0 && start % n == 0)
        {
            return _levels[System.Numerics.BitOperations.Log2((ulong)n)][(int)(start / n)];
        }
        var k = LargestPowerOfTwoBelow(n);
        return MerkleHash.Node(SubtreeHash(start, k), SubtreeHash(start + k, n - k));
    }

    /// <summary>The largest power of two strictly smaller than n (n &gt;= 2).</summary>
    internal static long LargestPowerOfTwoBelow(long n) => (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)n) >> 1;

    private void CheckSize(long size)
    {
        if (size < 0 || size > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(size), $"The tree has {Size} leaves; size {size} is not one of its states.");
        }
    }
}
