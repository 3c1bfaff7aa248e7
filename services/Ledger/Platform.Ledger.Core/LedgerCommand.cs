using System.Text.Json;
using System.Text.Json.Serialization;
using Platform.Crypto;
using Platform.Crypto.Jose;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Core;

/// <summary>
/// What goes into the Raft log. Every replica applies the same commands in the same order, so everything that
/// varies (time, keys) travels inside a command instead of being read locally while applying.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(SubmitEvent), "submit")]
[JsonDerivedType(typeof(RegisterPublisherKey), "publisher-key")]
[JsonDerivedType(typeof(RegisterReplicaKey), "replica-key")]
[JsonDerivedType(typeof(CloseBlock), "close-block")]
[JsonDerivedType(typeof(SignCheckpoint), "checkpoint-signature")]
[JsonDerivedType(typeof(FoundConsortium), "consortium-founding")]
[JsonDerivedType(typeof(GovernanceEntry), "consortium-governance")]
public abstract record LedgerCommand
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { AllowOutOfOrderMetadataProperties = true };

    /// <summary>The log entry: JSON (format 1) for every command but a batch, which has its own binary format.</summary>
    public virtual byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Options);

    /// <summary>Reads a command; null for bytes that are not one (such an entry is skipped by every replica alike).</summary>
    public static LedgerCommand? FromBytes(ReadOnlySpan<byte> bytes)
    {
        // The first byte tells the entry format apart: a JSON entry (format 1) starts with '{', a batch with its version byte.
        if (!bytes.IsEmpty && bytes[0] == SubmitBatch.FormatVersion)
        {
            return SubmitBatch.FromEntry(bytes);
        }
        try
        {
            return JsonSerializer.Deserialize<LedgerCommand>(bytes, Options);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            return null;
        }
    }
}

/// <summary>Admit a signed event (compact JWS) into the log.</summary>
public sealed record SubmitEvent(string SignedEvent) : LedgerCommand;

/// <summary>Trust a publisher's key from now on (registered by an operator or at start from configuration).</summary>
public sealed record RegisterPublisherKey(string Issuer, P256Jwk Jwk) : LedgerCommand;

/// <summary>A replica announces the public key it signs checkpoints with.</summary>
public sealed record RegisterReplicaKey(string Replica, P256Jwk Jwk) : LedgerCommand;

/// <summary>End the current block: every replica computes the tree head at this point and signs it.</summary>
/// <param name="Timestamp">Unix milliseconds, chosen by the leader that appended the command.</param>
public sealed record CloseBlock(long Timestamp) : LedgerCommand;

/// <summary>One replica's signature over the checkpoint at <paramref name="TreeSize"/>.</summary>
public sealed record SignCheckpoint(long TreeSize, string Replica, string Kid, string Signature) : LedgerCommand;

/// <summary>
/// The consortium's founding configuration: its member institutions, their checkpoint keys and CAs, the quorum rule.
/// Takes effect only as the ledger's first configuration state (before any checkpoint); from then on only the
/// members' keys sign checkpoints and a checkpoint is final at a majority of member institutions.
/// </summary>
public sealed record FoundConsortium(ConsortiumConfiguration Configuration) : LedgerCommand;

/// <summary>
/// A member institution's signed proposal, ballot or withdrawal, relayed by a replica (docs/consortium.md,
/// "Governance"). Every replica checks the signature against the configuration in force and applies the same rules.
/// </summary>
/// <param name="Timestamp">Unix milliseconds, chosen by the appending replica: the ledger's clock for proposal expiry.</param>
public sealed record GovernanceEntry(SignedGovernanceDocument Document, long Timestamp) : LedgerCommand;
