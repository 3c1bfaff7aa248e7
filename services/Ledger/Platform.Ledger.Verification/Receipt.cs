using System.Text.Json.Serialization;

namespace Platform.Ledger.Verification;

/// <summary>
/// Everything needed to check, offline, that an entry is in the ledger: the entry itself, its position, the audit
/// path to a checkpoint's root, the checkpoint with a majority of replica signatures, and the replicas' public keys.
/// The format is specified in docs/ledger-receipts.md.
/// </summary>
public sealed record Receipt(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("entry")] string Entry,
    [property: JsonPropertyName("leafIndex")] long LeafIndex,
    [property: JsonPropertyName("auditPath")] IReadOnlyList<string> AuditPath,
    [property: JsonPropertyName("checkpoint")] SignedCheckpoint Checkpoint,
    [property: JsonPropertyName("replicaKeys")] IReadOnlyList<ReplicaKey> ReplicaKeys,
    [property: JsonPropertyName("consortium"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ConsortiumConfiguration? Consortium = null)
{
    /// <summary>A receipt of a ledger run by one operator: final at a majority of replica keys.</summary>
    public const int CurrentVersion = 1;

    /// <summary>A receipt of a consortium ledger: carries the consortium configuration, final at a majority of member institutions.</summary>
    public const int ConsortiumVersion = 2;
}
