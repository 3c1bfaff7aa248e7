using System.Text.Json.Serialization;
using Platform.Crypto.Jose;
using Platform.Ledger.Merkle;

namespace Platform.Ledger.Verification;

/// <summary>A checkpoint as an auditor saw it, and where: a member's URL, or a file (a receipt's checkpoint).</summary>
public sealed record ObservedCheckpoint(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("checkpoint")] SignedCheckpoint Checkpoint);

/// <summary>A consistency proof one source gave between two tree sizes (null when it gave none, with why).</summary>
public sealed record ObservedProof(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("proof")] IReadOnlyList<string>? Proof,
    [property: JsonPropertyName("error")] string? Error = null);

/// <summary>
/// One checkpoint in a finding's evidence: what was seen, where, which member institutions validly signed it, and the
/// configuration version they were counted under (the one that makes it final, or else the one in force at its size).
/// </summary>
public sealed record CheckpointEvidence(
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("checkpoint")] SignedCheckpoint Checkpoint,
    [property: JsonPropertyName("signers")] IReadOnlyList<string> Signers,
    [property: JsonPropertyName("configurationVersion")] int ConfigurationVersion = 1);

/// <summary>
/// Something a consortium member should never be able to show: two majority-signed checkpoints of one ledger that
/// cannot both be prefixes of one log, or a checkpoint served as final that a majority did not sign.
/// </summary>
/// <param name="Kind">
/// <c>conflicting_checkpoints</c> (same size, different roots: proof by itself), <c>inconsistent_checkpoints</c>
/// (different sizes, and every consistency proof offered fails), <c>unproven_extension</c> (different sizes, and no
/// source could give a proof at all), <c>minority_checkpoint</c> (not signed by a majority of member institutions),
/// <c>unauthorised_configuration_change</c> (a configuration change served without a majority's signed ballots, or
/// otherwise not following from the configuration before it: <see cref="ConfigurationAudit"/>),
/// <c>conflicting_configurations</c> (two sources serve configuration histories that part ways).
/// </param>
/// <param name="Change">For a configuration finding: the change that does not hold, with its proposal and ballots.</param>
public sealed record AuditFinding(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("description")] string Description,
    [property: JsonPropertyName("checkpoints")] IReadOnlyList<CheckpointEvidence> Checkpoints,
    [property: JsonPropertyName("proofs"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<ObservedProof>? Proofs = null,
    [property: JsonPropertyName("configurationChange"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ConfigurationChange? Change = null);

/// <summary>
/// The fork auditor's reasoning, apart from how checkpoints and proofs are fetched (<c>ledger audit</c> fetches them
/// over HTTP). Every checkpoint is checked against the configuration history (<see cref="ConfigurationEpoch"/>): a
/// checkpoint of size S counts when a majority of one configuration in force at S or later signed it, so a removed
/// institution's signature on a checkpoint taken after its removal never counts and an admitted one's does. Of the
/// majority-signed ones, two at one size must have one root, and each size must extend the next smaller one
/// (consistency proofs, RFC 9162). Log prefixes are transitive, so the chain of neighbouring sizes covers every pair.
/// </summary>
public static class ForkAudit
{
    public const string Conflicting = "conflicting_checkpoints";
    public const string Inconsistent = "inconsistent_checkpoints";
    public const string Unproven = "unproven_extension";
    public const string Minority = "minority_checkpoint";
    public const string UnauthorisedChange = "unauthorised_configuration_change";
    public const string ConflictingConfigurations = "conflicting_configurations";

    /// <summary>Audits against one configuration only (version 1: a ledger whose configuration never changed).</summary>
    public static Task<IReadOnlyList<AuditFinding>> RunAsync(
        ConsortiumConfiguration consortium, IEnumerable<ObservedCheckpoint> observed,
        Func<long, long, Task<IReadOnlyList<ObservedProof>>> proofs) =>
        RunAsync([new ConfigurationEpoch(1, 0, consortium)], observed, proofs);

    /// <param name="history">The verified configuration history, oldest first (<see cref="ConfigurationAudit.Reconcile"/>).</param>
    /// <param name="proofs">Asks every source for a consistency proof between two sizes.</param>
    public static async Task<IReadOnlyList<AuditFinding>> RunAsync(
        IReadOnlyList<ConfigurationEpoch> history, IEnumerable<ObservedCheckpoint> observed,
        Func<long, long, Task<IReadOnlyList<ObservedProof>>> proofs)
    {
        var findings = new List<AuditFinding>();
        var majoritySigned = new List<CheckpointEvidence>();
        foreach (var seen in observed)
        {
            var (evidence, quorum) = Judge(seen, history);
            if (quorum.IsValid)
                majoritySigned.Add(evidence);
            else
                findings.Add(new AuditFinding(Minority, $"{seen.Source} serves a checkpoint as final that is not: {quorum.Reason}", [evidence]));
        }

        var bySize = majoritySigned.GroupBy(e => e.Checkpoint.Checkpoint.TreeSize).OrderBy(g => g.Key).ToList();
        foreach (var size in bySize)
        {
            // Same size, another root (or another timestamp over the same root is harmless: compare roots only).
            var first = size.First();
            foreach (var other in size.Skip(1).Where(o => o.Checkpoint.Checkpoint.RootHash != first.Checkpoint.Checkpoint.RootHash)
                         .GroupBy(o => o.Checkpoint.Checkpoint.RootHash).Select(g => g.First()))
            {
                findings.Add(new AuditFinding(Conflicting,
                    $"Two checkpoints of size {size.Key}, each signed by a majority of member institutions, have different roots: the ledger forked.",
                    [first, other]));
            }
        }

        for (var i = 1; i < bySize.Count; i++)
        {
            var older = bySize[i - 1].First();
            var newer = bySize[i].First();
            var offered = await proofs(older.Checkpoint.Checkpoint.TreeSize, newer.Checkpoint.Checkpoint.TreeSize).ConfigureAwait(false);
            if (offered.Any(p => p.Proof is { } proof && Connects(older.Checkpoint.Checkpoint, newer.Checkpoint.Checkpoint, proof)))
                continue;
            var anyProof = offered.Any(p => p.Proof is not null);
            findings.Add(new AuditFinding(anyProof ? Inconsistent : Unproven,
                anyProof
                    ? $"No consistency proof offered connects the majority-signed checkpoints of sizes {older.Checkpoint.Checkpoint.TreeSize} and {newer.Checkpoint.Checkpoint.TreeSize}: they cannot both be prefixes of one log as served."
                    : $"No source could prove that the majority-signed checkpoint of size {newer.Checkpoint.Checkpoint.TreeSize} extends the one of size {older.Checkpoint.Checkpoint.TreeSize}.",
                [older, newer], offered));
        }
        return findings;
    }

    // The configurations that can make a checkpoint of this size final: the one in force when it was taken (a change
    // at exactly its size may have come before or after), then every later one; the first whose majority signed it.
    private static (CheckpointEvidence Evidence, VerificationResult Quorum) Judge(ObservedCheckpoint seen, IReadOnlyList<ConfigurationEpoch> history)
    {
        var size = seen.Checkpoint.Checkpoint.TreeSize;
        var candidates = history.Where((epoch, i) => i == history.Count - 1 || history[i + 1].FromTreeSize >= size).ToList();
        VerificationResult? first = null;
        foreach (var epoch in candidates)
        {
            var quorum = ConsortiumVerifier.VerifyQuorum(seen.Checkpoint, epoch.Configuration);
            if (quorum.IsValid)
                return (Evidence(seen, epoch), quorum);
            first ??= quorum;
        }
        var inForce = candidates[0];
        var tried = candidates.Count == 1 ? $"version {inForce.Version}" : $"versions {inForce.Version} to {candidates[^1].Version}";
        return (Evidence(seen, inForce), VerificationResult.Invalid($"{first!.Reason} (configuration {tried}, in force from its tree size on)"));
    }

    private static CheckpointEvidence Evidence(ObservedCheckpoint seen, ConfigurationEpoch epoch) =>
        new(seen.Source, seen.Checkpoint, ConsortiumVerifier.Signers(seen.Checkpoint, epoch.Configuration), epoch.Version);

    private static bool Connects(Checkpoint older, Checkpoint newer, IReadOnlyList<string> proof)
    {
        var nodes = new List<byte[]>();
        foreach (var element in proof)
        {
            if (StrictBase64Url.TryDecode(element) is not { Length: MerkleHash.Size } node)
                return false;
            nodes.Add(node);
        }
        return MerkleVerifier.VerifyConsistency(older.TreeSize, newer.TreeSize,
            StrictBase64Url.TryDecode(older.RootHash)!, StrictBase64Url.TryDecode(newer.RootHash)!, nodes);
    }
}
