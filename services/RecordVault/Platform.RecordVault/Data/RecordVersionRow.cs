namespace Platform.RecordVault.Data;

/// <summary>
/// One stored version: the AES-256-GCM ciphertext (chunked format), the data key only as wrapped by the
/// key-encryption key (name and version kept to unwrap it), and the ciphertext's SHA-256, which is what the ledger
/// anchors. Erasure sets <see cref="WrappedKey"/> and <see cref="Ciphertext"/> to null: nothing readable remains.
/// </summary>
public sealed class RecordVersionRow
{
    public Guid RecordId { get; set; }
    public int Version { get; set; }
    public byte FormatVersion { get; set; }
    public byte[] NoncePrefix { get; set; } = [];
    public int ChunkSize { get; set; }
    public long PlaintextLength { get; set; }
    public byte[]? Ciphertext { get; set; }
    public string KekName { get; set; } = "";
    public string KekVersion { get; set; } = "";
    public string WrapAlgorithm { get; set; } = "";
    public byte[]? WrappedKey { get; set; }
    public string Hash { get; set; } = "";
    public long CreatedAtMs { get; set; }
    public string CreatedBy { get; set; } = "";
}
