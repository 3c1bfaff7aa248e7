using Platform.Ledger.Merkle;
using static Platform.Ledger.Tests.Merkle.TransparencyDevVectors;

namespace Platform.Ledger.Tests.Merkle;

public sealed class MerkleTreeTests
{
    private static MerkleTree TreeOf(IEnumerable<byte[]> entries)
    {
        var tree = new MerkleTree();
        foreach (var entry in entries)
        {
            tree.AppendEntry(entry);
        }
        return tree;
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static byte[][] Hashes(string[] hex) => hex.Select(Convert.FromHexString).ToArray();

    public static TheoryData<int> Sizes => [1, 2, 3, 4, 5, 6, 7, 8];

    [Fact]
    public void The_empty_tree_has_the_hash_of_the_empty_string()
    {
        Assert.Equal(EmptyRoot, Hex(new MerkleTree().Root()));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void The_root_at_every_size_matches_the_vectors(int size)
    {
        var tree = TreeOf(Leaves);
        Assert.Equal(Roots[size - 1], Hex(tree.RootAt(size)));
        Assert.Equal(Roots[size - 1], Hex(TreeOf(Leaves.Take(size)).Root()));
    }

    [Fact]
    public void The_eight_leaf_root_is_the_published_one()
    {
        Assert.Equal("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328", Hex(TreeOf(Leaves).Root()));
    }

    [Fact]
    public void The_known_inclusion_proofs_are_reproduced()
    {
        var tree = TreeOf(Leaves);
        foreach (var (index, size, path) in InclusionProofs)
        {
            Assert.Equal(path, tree.InclusionProof(index, size).Select(Hex));
        }
    }

    [Fact]
    public void The_known_consistency_proofs_are_reproduced()
    {
        var tree = TreeOf(Leaves);
        foreach (var (size1, size2, proof) in ConsistencyProofs)
        {
            Assert.Equal(proof, tree.ConsistencyProof(size1, size2).Select(Hex));
        }
    }

    [Fact]
    public void Every_inclusion_proof_for_sizes_1_to_8_matches_the_rfc_definition_and_verifies()
    {
        var tree = TreeOf(Leaves);
        for (var size = 1; size <= 8; size++)
        {
            var root = tree.RootAt(size);
            for (var index = 0; index < size; index++)
            {
                var proof = tree.InclusionProof(index, size);
                Assert.Equal(Rfc9162Oracle.Path(index, Leaves.Take(size).ToList()).Select(Hex), proof.Select(Hex));
                Assert.True(MerkleVerifier.VerifyInclusion(index, size, tree.LeafHash(index), proof, root), $"inclusion ({index}, {size})");
            }
        }
    }

    [Fact]
    public void Every_consistency_proof_for_sizes_1_to_8_matches_the_rfc_definition_and_verifies()
    {
        var tree = TreeOf(Leaves);
        for (var size2 = 1; size2 <= 8; size2++)
        {
            for (var size1 = 1; size1 <= size2; size1++)
            {
                var proof = tree.ConsistencyProof(size1, size2);
                Assert.Equal(Rfc9162Oracle.Proof(size1, Leaves.Take(size2).ToList()).Select(Hex), proof.Select(Hex));
                Assert.True(MerkleVerifier.VerifyConsistency(size1, size2, tree.RootAt(size1), tree.RootAt(size2), proof), $"consistency ({size1}, {size2})");
            }
        }
    }

    [Theory]
    [InlineData(2, 3)]
    [InlineData(4, 5)]
    [InlineData(4, 6)]
    [InlineData(5, 6)]
    [InlineData(6, 7)]
    public void Edge_cases_where_the_last_node_is_promoted_verify_and_reject_tampering(int first, int second)
    {
        var tree = TreeOf(Leaves);
        // As an inclusion proof: the last leaf of a tree whose right edge is incomplete.
        var index = first;
        var inclusion = tree.InclusionProof(index, second);
        Assert.True(MerkleVerifier.VerifyInclusion(index, second, tree.LeafHash(index), inclusion, tree.RootAt(second)));
        Assert.All(InclusionProbes(index, second, tree.LeafHash(index), inclusion, tree.RootAt(second)),
            probe => Assert.False(MerkleVerifier.VerifyInclusion(probe.Index, probe.Size, probe.Leaf, probe.Path, probe.Root), probe.Description));
        // As a consistency proof between the two sizes.
        var consistency = tree.ConsistencyProof(first, second);
        Assert.True(MerkleVerifier.VerifyConsistency(first, second, tree.RootAt(first), tree.RootAt(second), consistency));
        Assert.All(ConsistencyProbes(first, second, tree.RootAt(first), tree.RootAt(second), consistency),
            probe => Assert.False(MerkleVerifier.VerifyConsistency(probe.Size1, probe.Size2, probe.Root1, probe.Root2, probe.Proof), probe.Description));
    }

    [Fact]
    public void Corrupted_inclusion_proofs_never_verify()
    {
        var tree = TreeOf(Leaves);
        for (var size = 1; size <= 8; size++)
        {
            for (var index = 0; index < size; index++)
            {
                var proof = tree.InclusionProof(index, size);
                foreach (var probe in InclusionProbes(index, size, tree.LeafHash(index), proof, tree.RootAt(size)))
                {
                    Assert.False(MerkleVerifier.VerifyInclusion(probe.Index, probe.Size, probe.Leaf, probe.Path, probe.Root),
                        $"({index}, {size}) verified with {probe.Description}");
                }
            }
        }
    }

    [Fact]
    public void Corrupted_consistency_proofs_never_verify()
    {
        var tree = TreeOf(Leaves);
        for (var size2 = 2; size2 <= 8; size2++)
        {
            for (var size1 = 1; size1 < size2; size1++)
            {
                var proof = tree.ConsistencyProof(size1, size2);
                foreach (var probe in ConsistencyProbes(size1, size2, tree.RootAt(size1), tree.RootAt(size2), proof))
                {
                    Assert.False(MerkleVerifier.VerifyConsistency(probe.Size1, probe.Size2, probe.Root1, probe.Root2, probe.Proof),
                        $"({size1}, {size2}) verified with {probe.Description}");
                }
            }
        }
    }

    [Fact]
    public void A_large_tree_agrees_with_the_rfc_definition_at_sampled_sizes()
    {
        var entries = Enumerable.Range(0, 300).Select(i => BitConverter.GetBytes(i * 7919)).ToList();
        var tree = TreeOf(entries);
        foreach (var size in new[] { 1, 31, 32, 33, 127, 128, 129, 255, 256, 257, 300 })
        {
            var prefix = entries.Take(size).ToList();
            Assert.Equal(Hex(Rfc9162Oracle.Mth(prefix)), Hex(tree.RootAt(size)));
            foreach (var index in new[] { 0, size / 2, size - 1 })
            {
                Assert.Equal(Rfc9162Oracle.Path(index, prefix).Select(Hex), tree.InclusionProof(index, size).Select(Hex));
            }
            foreach (var first in new[] { 1, size / 3, size - 1 }.Where(f => f >= 1))
            {
                Assert.Equal(Rfc9162Oracle.Proof(first, prefix).Select(Hex), tree.ConsistencyProof(first, size).Select(Hex));
            }
        }
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(-1, 3)]
    [InlineData(8, 8)]
    public void Proof_requests_outside_the_tree_are_refused(long index, long size)
    {
        var tree = TreeOf(Leaves);
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.InclusionProof(index, size));
    }

    [Fact]
    public void Sizes_beyond_the_tree_are_refused()
    {
        var tree = TreeOf(Leaves);
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.RootAt(9));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.ConsistencyProof(3, 9));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.ConsistencyProof(5, 4));
        Assert.Throws<ArgumentException>(() => tree.AppendLeafHash(new byte[31]));
    }

    [Fact]
    public void Trivial_consistency_cases_follow_the_rfc()
    {
        var tree = TreeOf(Leaves);
        var root3 = tree.RootAt(3);
        Assert.True(MerkleVerifier.VerifyConsistency(0, 5, tree.RootAt(0), tree.RootAt(5), []));
        Assert.True(MerkleVerifier.VerifyConsistency(3, 3, root3, root3, []));
        Assert.False(MerkleVerifier.VerifyConsistency(3, 3, root3, tree.RootAt(4), []));
        Assert.False(MerkleVerifier.VerifyConsistency(3, 3, root3, root3, [root3]));
        Assert.False(MerkleVerifier.VerifyConsistency(4, 3, root3, root3, []));
        Assert.False(MerkleVerifier.VerifyConsistency(3, 4, root3, tree.RootAt(4), []));
    }

    private sealed record InclusionProbe(long Index, long Size, byte[] Leaf, IReadOnlyList<byte[]> Path, byte[] Root, string Description);

    private sealed record ConsistencyProbe(long Size1, long Size2, byte[] Root1, byte[] Root2, IReadOnlyList<byte[]> Proof, string Description);

    // The corruptions transparency-dev's verifier tests apply, plus a flipped bit in every element.
    private static IEnumerable<InclusionProbe> InclusionProbes(long index, long size, byte[] leaf, IReadOnlyList<byte[]> path, byte[] root)
    {
        var someHash = Convert.FromHexString("abacaba000000000000000000000000000000000000000000060061e00123456");
        yield return new(index - 1, size, leaf, path, root, "index - 1");
        yield return new(index + 1, size, leaf, path, root, "index + 1");
        if ((index ^ 2) < size && (index ^ 2) != index)
        {
            yield return new(index ^ 2, size, leaf, path, root, "index ^ 2");
        }
        yield return new(index, size * 2, leaf, path, root, "size * 2");
        yield return new(index, size / 2, leaf, path, root, "size / 2");
        yield return new(index, size, "WrongLeaf"u8.ToArray(), path, root, "wrong leaf");
        yield return new(index, size, leaf, path, Convert.FromHexString(EmptyRoot), "empty root");
        yield return new(index, size, leaf, path, someHash, "random root");
        yield return new(index, size, leaf, [.. path, []], root, "trailing garbage");
        yield return new(index, size, leaf, [.. path, root], root, "trailing root");
        yield return new(index, size, leaf, [[], .. path], root, "preceding garbage");
        yield return new(index, size, leaf, [root, .. path], root, "preceding root");
        for (var i = 0; i < path.Count; i++)
        {
            var flipped = path.Select(p => p.ToArray()).ToArray();
            flipped[i][0] ^= 8;
            yield return new(index, size, leaf, flipped, root, $"flipped bit in path[{i}]");
        }
        if (path.Count > 0)
        {
            yield return new(index, size, leaf, path.Take(path.Count - 1).ToArray(), root, "removed element");
            var flippedLeaf = leaf.ToArray();
            flippedLeaf[^1] ^= 1;
            yield return new(index, size, flippedLeaf, path, root, "flipped bit in leaf");
        }
        if (path.Count > 1)
        {
            yield return new(index, size, leaf, [path[0], someHash, .. path.Skip(1)], root, "inserted element");
        }
    }

    private static IEnumerable<ConsistencyProbe> ConsistencyProbes(long size1, long size2, byte[] root1, byte[] root2, IReadOnlyList<byte[]> proof)
    {
        yield return new(size1 - 1, size2, root1, root2, proof, "size1 - 1");
        yield return new(size1 + 1, size2, root1, root2, proof, "size1 + 1");
        if ((size1 ^ 2) != size1)
        {
            yield return new(size1 ^ 2, size2, root1, root2, proof, "size1 ^ 2");
        }
        yield return new(size1, size2 * 2, root1, root2, proof, "size2 * 2");
        yield return new(size1, size2 / 2, root1, root2, proof, "size2 / 2");
        yield return new(size1, size2, "WrongRoot"u8.ToArray(), root2, proof, "wrong root1");
        yield return new(size1, size2, root1, "WrongRoot"u8.ToArray(), proof, "wrong root2");
        yield return new(size1, size2, root2, root1, proof, "swapped roots");
        yield return new(size1, size2, root1, root2, [], "empty proof");
        yield return new(size1, size2, root1, root2, [.. proof, []], "trailing garbage");
        yield return new(size1, size2, root1, root2, [.. proof, root1], "trailing root1");
        yield return new(size1, size2, root1, root2, [.. proof, root2], "trailing root2");
        yield return new(size1, size2, root1, root2, [[], .. proof], "preceding garbage");
        yield return new(size1, size2, root1, root2, [root1, .. proof], "preceding root1");
        yield return new(size1, size2, root1, root2, [root2, .. proof], "preceding root2");
        yield return new(size1, size2, root1, root2, [proof[0], .. proof], "preceding proof[0]");
        yield return new(size1, size2, root1, root2, proof.Take(proof.Count - 1).ToArray(), "truncated proof");
        for (var i = 0; i < proof.Count; i++)
        {
            var flipped = proof.Select(p => p.ToArray()).ToArray();
            flipped[i][0] ^= 16;
            yield return new(size1, size2, root1, root2, flipped, $"flipped bit in proof[{i}]");
        }
    }
}
