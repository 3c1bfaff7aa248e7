using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Platform.Crypto.Jose;

namespace Platform.Ledger.Verification;

/// <summary>
/// Checks a downloaded research export folder against a receipt whose entry is the vault's <c>research.exported</c>
/// event (docs/research.md, "The manifest on the ledger"): the entry's <c>manifestHash</c> is SHA-256 of the folder's
/// <c>manifest.json</c> bytes, its <c>subject</c> names the manifest's export, and every file the manifest lists is in
/// the folder with the listed SHA-256 (an <c>.ndjson</c> file it does not list is reported too). Written from the
/// documentation, apart from the vault's code. It does not check the receipt's inclusion (<see cref="ReceiptVerifier"/>).
/// </summary>
public static class ExportFolderVerifier
{
    public const string ManifestFileName = "manifest.json";
    public const string ManifestFormat = "research-export-manifest/v1";

    public static VerificationResult Verify(Receipt receipt, string folder)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (Payload(receipt) is not { } payload || Text(payload, "type") != "research.exported")
        {
            return VerificationResult.Invalid("The receipt's entry is not a research.exported event.");
        }
        var manifestPath = Path.Combine(folder, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            return VerificationResult.Invalid($"The folder has no {ManifestFileName}.");
        }
        var manifestBytes = File.ReadAllBytes(manifestPath);
        if (Text(payload, "manifestHash") != Sha256(manifestBytes))
        {
            return VerificationResult.Invalid($"{ManifestFileName} is not the manifest the ledger entry names (its SHA-256 differs).");
        }
        JsonElement manifest;
        try
        {
            using var document = JsonDocument.Parse(manifestBytes);
            manifest = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return VerificationResult.Invalid($"{ManifestFileName} is not JSON.");
        }
        if (manifest.ValueKind != JsonValueKind.Object || Text(manifest, "format") != ManifestFormat)
        {
            return VerificationResult.Invalid($"{ManifestFileName} is not a {ManifestFormat} manifest.");
        }
        if (!Guid.TryParse(Text(manifest, "exportId"), out var exportId) || Text(payload, "subject") != "export-" + exportId.ToString("N"))
        {
            return VerificationResult.Invalid("The ledger entry is about another export than the manifest.");
        }
        if (!manifest.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Array)
        {
            return VerificationResult.Invalid($"{ManifestFileName} lists no files.");
        }
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files.EnumerateArray())
        {
            var name = file.ValueKind == JsonValueKind.Object ? Text(file, "name") : null;
            // A plain file name only: a manifest must not send the check outside the folder.
            if (name is null || name != Path.GetFileName(name) || name is "." or ".." || !listed.Add(name))
            {
                return VerificationResult.Invalid("The manifest lists a file name that is not a plain, unique file name.");
            }
            var path = Path.Combine(folder, name);
            if (!File.Exists(path))
            {
                return VerificationResult.Invalid($"{name} is listed in the manifest but missing from the folder.");
            }
            if (Text(file, "sha256") != Sha256(File.ReadAllBytes(path)))
            {
                return VerificationResult.Invalid($"{name} is not the file the manifest lists (its SHA-256 differs).");
            }
        }
        var extra = Directory.EnumerateFiles(folder, "*.ndjson").Select(Path.GetFileName).Where(n => !listed.Contains(n!)).Order(StringComparer.Ordinal).ToList();
        if (extra.Count > 0)
        {
            return VerificationResult.Invalid($"{string.Join(", ", extra)} is in the folder but not in the manifest.");
        }
        return VerificationResult.Valid(
            $"The folder is export {exportId:D} of study {Text(manifest, "studyId")} ({listed.Count} file(s), deid-rules {Text(manifest, "deidRulesVersion")}, consent set {Text(manifest, "consentSetHash")}, exported {Text(manifest, "exportedAt")}), as the ledger entry states.");
    }

    private static JsonElement? Payload(Receipt receipt)
    {
        if (StrictBase64Url.TryDecode(receipt.Entry) is not { } entry)
        {
            return null;
        }
        var parts = Encoding.ASCII.GetString(entry).Split('.');
        if (parts.Length != 3 || StrictBase64Url.TryDecode(parts[1]) is not { } payload)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
