using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace Platform.Ledger.Verification;

/// <summary>
/// A signed tree head: the ledger's state at one size. Replicas sign <see cref="SigningBytes"/>, a fixed text form
/// (one field per line, like transparency-dev checkpoints) so any language can rebuild it byte for byte.
/// </summary>
public sealed record Checkpoint(
    [property: JsonPropertyName("ledgerId")] string LedgerId,
    [property: JsonPropertyName("treeSize")] long TreeSize,
    [property: JsonPropertyName("rootHash")] string RootHash,
    [property: JsonPropertyName("timestamp")] long Timestamp)
{
    public const string Header = "platform-ledger-checkpoint/v1";

    /// <summary>
    /// UTF-8 of: <c>platform-ledger-checkpoint/v1\n{ledgerId}\n{treeSize}\n{rootHash base64url}\n{timestamp unix ms}\n</c>.
    /// </summary>
    public byte[] SigningBytes() => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{Header}\n{LedgerId}\n{TreeSize}\n{RootHash}\n{Timestamp}\n"));
}

/// <summary>One replica's ES256 signature over a checkpoint's signing bytes.</summary>
public sealed record CheckpointSignature(
    [property: JsonPropertyName("replica")] string Replica,
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("signature")] string Signature);

/// <summary>A checkpoint with the replica signatures gathered for it.</summary>
public sealed record SignedCheckpoint(
    [property: JsonPropertyName("checkpoint")] Checkpoint Checkpoint,
    [property: JsonPropertyName("signatures")] IReadOnlyList<CheckpointSignature> Signatures);
