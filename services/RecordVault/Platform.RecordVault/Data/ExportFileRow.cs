namespace Platform.RecordVault.Data;

/// <summary>
/// One NDJSON file of an export job (one per resource type, plus an OperationOutcome file for errors), encrypted
/// exactly like a record version: AES-256-GCM chunked format under a fresh data key wrapped by the vault's KEK.
/// The plaintext never reaches the database or the disk.
/// </summary>
public sealed class ExportFileRow
{
    public const string Output = "output";
    public const string Error = "error";

    public Guid Id { get; set; }
    public Guid JobId { get; set; }
    public string Kind { get; set; } = Output;
    public string ResourceType { get; set; } = "";
    public int Count { get; set; }
    public byte FormatVersion { get; set; }
    public byte[] NoncePrefix { get; set; } = [];
    public int ChunkSize { get; set; }
    public long PlaintextLength { get; set; }
    public byte[] Ciphertext { get; set; } = [];
    public string KekName { get; set; } = "";
    public string KekVersion { get; set; } = "";
    public string WrapAlgorithm { get; set; } = "";
    public byte[] WrappedKey { get; set; } = [];
    public string Hash { get; set; } = "";
}
