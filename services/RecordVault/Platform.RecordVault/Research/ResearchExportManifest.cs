using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.RecordVault.Research;

/// <summary>
/// What an export contains, as the researcher downloads it (<c>manifest.json</c>) and as the ledger vouches for it: the
/// ledger's <c>research.exported</c> event carries SHA-256 of exactly these bytes (UTF-8 JSON, members in this order, no
/// white space). With the receipt, anyone holding the folder can show that these files, of this study, under this
/// consent set and these rules, left the vault at this time (<c>ledger verify-export</c>).
/// </summary>
public sealed record ResearchExportManifest(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("exportId")] Guid ExportId,
    [property: JsonPropertyName("studyId")] Guid StudyId,
    [property: JsonPropertyName("consentSetHash")] string ConsentSetHash,
    [property: JsonPropertyName("deidRulesVersion")] string DeidRulesVersion,
    [property: JsonPropertyName("deidentificationLevel")] string DeidentificationLevel,
    [property: JsonPropertyName("k")] int K,
    [property: JsonPropertyName("exportedAt")] string ExportedAt,
    [property: JsonPropertyName("participants")] int Participants,
    [property: JsonPropertyName("files")] IReadOnlyList<ResearchExportManifestFile> Files)
{
    public const string FormatV1 = "research-export-manifest/v1";

    /// <summary>The manifest's bytes (what is served and hashed).</summary>
    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this);

    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}

/// <summary>One file of the export: its name (<c>Type.ndjson</c>), SHA-256 of its bytes (lowercase hex), and how many resources it holds.</summary>
public sealed record ResearchExportManifestFile(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("count")] int Count);
