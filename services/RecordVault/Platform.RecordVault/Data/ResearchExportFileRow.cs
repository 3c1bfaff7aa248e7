namespace Platform.RecordVault.Data;

/// <summary>
/// One NDJSON file of a research export (<c>Observation.ndjson</c>, …, <c>Patient.ndjson</c>), de-identified and then
/// encrypted like a record version: a fresh data key wrapped by the vault's KEK, AES-256-GCM chunks bound to the
/// export and the file's name. <see cref="Sha256"/> is over the plaintext a researcher downloads (the manifest names it).
/// </summary>
public sealed class ResearchExportFileRow
{
    public Guid Id { get; set; }
    public Guid ExportId { get; set; }
    public string Name { get; set; } = "";
    public int Count { get; set; }
    public string Sha256 { get; set; } = "";
    public byte FormatVersion { get; set; }
    public byte[] NoncePrefix { get; set; } = [];
    public int ChunkSize { get; set; }
    public long PlaintextLength { get; set; }
    public byte[] Ciphertext { get; set; } = [];
    public string KekName { get; set; } = "";
    public string KekVersion { get; set; } = "";
    public string WrapAlgorithm { get; set; } = "";
    public byte[] WrappedKey { get; set; } = [];
    public string CiphertextHash { get; set; } = "";
}
