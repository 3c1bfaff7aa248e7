namespace Platform.Identity.Verification;

/// <summary>
/// Evidence for a case — the application form with the MRZ, a document image, a selfie — encrypted with a fresh
/// AES-256-GCM key per item, the key wrapped by the key-encryption key <c>kyc-evidence-kek</c>.
/// </summary>
public sealed class KycEvidenceRow
{
    public Guid Id { get; set; }

    /// <summary>An <see cref="EvidenceFormat"/>; rows written before formats were versioned read 0.</summary>
    public int FormatVersion { get; set; }

    public Guid CaseId { get; set; }
    public string Kind { get; set; } = "";
    public string ContentType { get; set; } = "";
    public byte[] Nonce { get; set; } = [];
    public byte[] Tag { get; set; } = [];
    public byte[] Ciphertext { get; set; } = [];
    public string KekName { get; set; } = "";
    public string KekVersion { get; set; } = "";
    public string WrapAlgorithm { get; set; } = "";
    public byte[] WrappedKey { get; set; } = [];
    public long CreatedAtMs { get; set; }
}
