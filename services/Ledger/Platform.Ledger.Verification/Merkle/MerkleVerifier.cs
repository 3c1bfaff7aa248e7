using System.Security.Cryptography;

namespace Platform.Ledger.Merkle;

/// <summary>
/// Verifies inclusion and consistency proofs with the iterative algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2.
/// Written independently of <see cref="MerkleTree"/>'s proof generation, so the two check each other.
/// Every method returns false (never throws) for a proof that does not verify, including malformed input.
/// </summary>
public static class MerkleVerifier
{
    public static bool VerifyInclusion(long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> path, ReadOnlySpan<byte> root) =>
        root.Length == MerkleHash.Size
        && RootFromInclusionProof(leafIndex, treeSize, leafHash, path) is { } computed
        && CryptographicOperations.FixedTimeEquals(computed, root);

    public static bool VerifyConsistency(long size1, long size2, ReadOnlySpan<byte> root1, ReadOnlySpan<byte> root2, IReadOnlyList<byte[]> proof)
    {
        if (size1 < 0 || size2 < size1)
        {
            return false;
        }
        if (size1 == size2)
        {
            return proof.Count == 0 && root1.SequenceEqual(root2);
        }
        if (size1 == 0)
        {
            return proof.Count == 0; // the empty tree is a prefix of every tree
        }
        if (proof.Count == 0 || root1.Length != MerkleHash.Size || root2.Length != MerkleHash.Size || proof.Any(p => p.Length != MerkleHash.Size))
        {
            return false;
        }

        var path = (size1 & (size1 - 1)) == 0 ? [root1.ToArray(), .. proof] : proof.ToList();
        var fn = size1 - 1;
        var sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }
        var fr = path[0];
        var sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
            {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = MerkleHash.Node(c, fr);
                sr = MerkleHash.Node(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = MerkleHash.Node(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && CryptographicOperations.FixedTimeEquals(fr, root1) && CryptographicOperations.FixedTimeEquals(sr, root2);
    }

    /// <summary>The root an audit path leads to from a leaf (RFC 9162 §2.1.3.2), or null when the path cannot be one.</summary>
    public static byte[]? RootFromInclusionProof(long leafIndex, long treeSize, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> path)
    {
        if (leafIndex < 0 || leafIndex >= treeSize || leafHash.Length != MerkleHash.Size)
        {
            return null;
        }
        var fn = leafIndex;
        var sn = treeSize - 1;
        var r = leafHash.ToArray();
        foreach (var p in path)
        {
            if (sn == 0 || p.Length != MerkleHash.Size)
            {
                return null;
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleHash.Node(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = MerkleHash.Node(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 ? r : null;
    }
}
