using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Crypto.Software;
using Platform.Ledger.Cli;
using Platform.Ledger.Core;
using Platform.Ledger.Tests.State;
using Platform.SignedEvents;

namespace Platform.Ledger.Tests.Cli;

/// <summary>
/// <c>ledger verify-export FOLDER RECEIPT.json</c>: a research export folder (manifest.json and its NDJSON files) checks
/// against the receipt of the vault's <c>research.exported</c> entry; a changed file, a changed manifest, a missing or an
/// unlisted file, and the receipt of another entry do not. The entry is signed with the record vault's publisher key
/// and committed by the ledger's own state machine; <see cref="Verification.ExportFolderVerifier"/> is written from
/// docs/research.md alone.
/// </summary>
public sealed class LedgerCliExportTests : IAsyncLifetime, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _directory = Directory.CreateTempSubdirectory("ledger-cli-export-").FullName;
    private readonly Guid _exportId = Guid.NewGuid();
    private LedgerFixture _ledger = null!;
    private SoftwareKeyProvider _vaultKeys = null!;
    private string _receiptPath = "";
    private string _consentReceiptPath = "";
    private string _keysPath = "";

    private static readonly Dictionary<string, string> Files = new(StringComparer.Ordinal)
    {
        ["Observation.ndjson"] = "{\"resourceType\":\"Observation\",\"id\":\"a1\"}\n",
        ["Patient.ndjson"] = "{\"resourceType\":\"Patient\",\"id\":\"p1\"}\n",
    };

    public async Task InitializeAsync()
    {
        _ledger = await LedgerFixture.CreateAsync();
        _vaultKeys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = Path.Combine(_directory, "keys") }, NullLogger<SoftwareKeyProvider>.Instance);
        var vaultKey = await _vaultKeys.GetSigningKeyAsync("record-vault-events", CancellationToken.None);
        _ledger.Append(new RegisterPublisherKey("record-vault", vaultKey.GetPublicJwk()));

        var folder = Folder("export");
        var manifest = JsonSerializer.SerializeToUtf8Bytes(new
        {
            format = "research-export-manifest/v1", exportId = _exportId, studyId = Guid.NewGuid(), consentSetHash = new string('c', 64),
            deidRulesVersion = "1", deidentificationLevel = "safe-harbor", k = 5, exportedAt = "2026-12-03T19:00:00.000Z", participants = 1,
            files = Files.Select(f => new { name = f.Key, sha256 = Sha256(Encoding.UTF8.GetBytes(f.Value)), count = 1 }),
        });
        File.WriteAllBytes(Path.Combine(folder, "manifest.json"), manifest);
        var payload = new ResearchExportEventPayload
        {
            EventId = Guid.NewGuid(), Issuer = "record-vault", IssuedAt = 1_800_000_000,
            Subject = "export-" + _exportId.ToString("N"), ManifestHash = Sha256(manifest),
        };
        var outcome = _ledger.Submit(await new SignedEventWriter(vaultKey).SignAsync(payload, CancellationToken.None));
        Assert.Equal((SubmitStatus.Committed, (string?)null), (outcome.Status, outcome.Reason));
        var (consent, consentPayload) = await _ledger.SignConsentEventAsync();
        _ledger.Submit(consent);
        await _ledger.CloseAndSignAsync(signers: 2);
        _receiptPath = Write("receipt.json", _ledger.State.ReceiptFor(payload.EventId).Receipt!);
        _consentReceiptPath = Write("receipt-consent.json", _ledger.State.ReceiptFor(consentPayload.EventId).Receipt!);
        _keysPath = Write("keys.json", new { keys = _ledger.TrustedReplicaKeys });
    }

    public async Task DisposeAsync()
    {
        _vaultKeys.Dispose();
        await _ledger.DisposeAsync();
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_downloaded_folder_verifies_against_the_manifests_receipt()
    {
        var (exit, output) = Run("verify-export", Path.Combine(_directory, "export"), _receiptPath, "--keys", _keysPath);

        Assert.Equal(0, exit);
        Assert.StartsWith("VALID: Entry 0 is included", output, StringComparison.Ordinal);
        Assert.Contains($"The folder is export {_exportId:D} of study", output, StringComparison.Ordinal);
        Assert.Contains("(2 file(s), deid-rules 1", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("changed file", "is not the file the manifest lists")]
    [InlineData("changed manifest", "is not the manifest the ledger entry names")]
    [InlineData("missing file", "missing from the folder")]
    [InlineData("unlisted file", "is in the folder but not in the manifest")]
    public void A_folder_that_is_not_the_export_is_invalid_with_exit_code_1(string change, string reason)
    {
        var folder = Folder(change.Replace(' ', '-'));
        switch (change)
        {
            case "changed file":
                File.AppendAllText(Path.Combine(folder, "Observation.ndjson"), "{\"resourceType\":\"Observation\",\"id\":\"a2\"}\n");
                break;
            case "changed manifest":
                File.WriteAllText(Path.Combine(folder, "manifest.json"), File.ReadAllText(Path.Combine(folder, "manifest.json")).Replace("\"k\":5", "\"k\":2", StringComparison.Ordinal));
                break;
            case "missing file":
                File.Delete(Path.Combine(folder, "Patient.ndjson"));
                break;
            default:
                File.WriteAllText(Path.Combine(folder, "Condition.ndjson"), "{}\n");
                break;
        }

        var (exit, output) = Run("verify-export", folder, _receiptPath, "--keys", _keysPath);

        Assert.Equal(1, exit);
        Assert.StartsWith("INVALID:", output, StringComparison.Ordinal);
        Assert.Contains(reason, output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_receipt_of_another_entry_does_not_vouch_for_the_folder()
    {
        var (exit, output) = Run("verify-export", Path.Combine(_directory, "export"), _consentReceiptPath, "--keys", _keysPath);

        Assert.Equal(1, exit);
        Assert.Contains("not a research.exported event", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_that_does_not_exist_is_exit_code_2()
    {
        var (exit, _) = Run("verify-export", Path.Combine(_directory, "nowhere"), _receiptPath);

        Assert.Equal(2, exit);
    }

    /// <summary>A fresh copy of the export folder as downloaded (the manifest is written once, by InitializeAsync).</summary>
    private string Folder(string name)
    {
        var folder = Path.Combine(_directory, name);
        Directory.CreateDirectory(folder);
        foreach (var (file, text) in Files)
        {
            File.WriteAllText(Path.Combine(folder, file), text);
        }
        var manifest = Path.Combine(_directory, "export", "manifest.json");
        if (name != "export" && File.Exists(manifest))
        {
            File.Copy(manifest, Path.Combine(folder, "manifest.json"));
        }
        return folder;
    }

    private string Write(string name, object value)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, JsonSerializer.Serialize(value, Json));
        return path;
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static (int Exit, string Out) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        return (LedgerCli.Run(args, output, error), output.ToString() + error);
    }
}
