using System.CommandLine;
using System.Text.Json;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Cli;

/// <summary>
/// <c>ledger verify RECEIPT.json [--keys KEYS.json] [--opening OPENING.json]</c> and
/// <c>ledger verify-consistency OLDER.json NEWER.json PROOF.json --keys KEYS.json</c> and
/// <c>ledger verify-export FOLDER RECEIPT.json [--keys KEYS.json]</c> (a research export against its manifest's receipt).
/// Works offline on files. Exit codes: 0 valid, 1 invalid (the reason is printed), 2 the command could not run.
/// The online commands are <see cref="MembersCommand"/>, <see cref="AuditCommand"/> and <see cref="GovernanceCommand"/>;
/// <see cref="LedgerCommandLine"/> parses them all.
/// </summary>
public static class LedgerCli
{
    public const int Valid = 0;
    public const int Invalid = 1;
    public const int Unusable = 2;

    internal const string Usage = """
        usage:
          ledger verify RECEIPT.json [--keys KEYS.json | --consortium CONSORTIUM.json] [--opening OPENING.json]
          ledger verify-consistency OLDER-CHECKPOINT.json NEWER-CHECKPOINT.json PROOF.json --keys KEYS.json
          ledger verify-export EXPORT-FOLDER RECEIPT.json [--keys KEYS.json]
          ledger members add|remove NAME --url URL --token-file FILE   (online; see `ledger members`)
          ledger audit --consortium CONSORTIUM.json [--witness-name NAME --witness-key KEY.pem --state FILE]
                       [--checkpoint FILE]... URL...   (online; see `ledger audit`)
          ledger governance propose|vote|withdraw|list ...   (online, consortium members; see `ledger governance`)
          ledger member-entry --name INSTITUTION --replica REPLICA [--endpoint HOST:PORT [--api-url URL]]... --ca CA.pem
                       (your member entry with the key from your key provider; see `ledger member-entry`)

        KEYS.json holds the replicas' public keys as the ledger serves them at GET /replicas/keys; obtain it
        independently of the receipt. Without --keys, `verify` trusts the keys inside the receipt and says so.
        CONSORTIUM.json is a consortium ledger's configuration (member institutions and their keys) as your
        institution agreed to it; a consortium receipt is checked against it and `verify` names the institutions
        that signed. Without it, the configuration inside the receipt is trusted and `verify` says so.
        OPENING.json is the opening your consent history or access log shows next to a receipt of a blinded (v2)
        entry; with it, `verify` also checks that the entry is about your consent or your record.
        EXPORT-FOLDER holds a research export as downloaded: manifest.json and the NDJSON files it lists;
        `verify-export` checks the receipt, then that the folder is the export whose manifest hash the entry carries.
        Exit code: 0 valid, 1 invalid, 2 the command could not run.
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // A receipt with a missing or null member is malformed, not a receipt with empty parts.
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    private static readonly Option<string> KeysFile = new("--keys") { HelpName = "KEYS.json" };
    private static readonly Option<string> ConsortiumFile = new("--consortium") { HelpName = "CONSORTIUM.json" };
    private static readonly Option<string> OpeningFile = new("--opening") { HelpName = "OPENING.json" };
    private static readonly Argument<string> ReceiptFile = new("RECEIPT.json");

    // A consistency proof means something only against keys the caller trusts: there is no receipt to take them from.
    private static readonly Option<string> TrustedKeysFile = new("--keys") { HelpName = "KEYS.json", Required = true };
    private static readonly Argument<string> OlderCheckpoint = new("OLDER-CHECKPOINT.json");
    private static readonly Argument<string> NewerCheckpoint = new("NEWER-CHECKPOINT.json");
    private static readonly Argument<string> ProofFile = new("PROOF.json");

    private static readonly Argument<string> ExportFolder = new("EXPORT-FOLDER");

    internal static Command Verify { get; } = Define(new Command("verify", Usage) { ReceiptFile, KeysFile, ConsortiumFile, OpeningFile }, command =>
        command.Validators.Add(result =>
        {
            // Both would leave it unclear which keys the verdict rests on.
            if (result.GetResult(KeysFile) is not null && result.GetResult(ConsortiumFile) is not null)
                result.AddError("give --keys or --consortium, not both.");
        }));

    internal static Command VerifyConsistency { get; } =
        Define(new Command("verify-consistency", Usage) { OlderCheckpoint, NewerCheckpoint, ProofFile, TrustedKeysFile });

    internal static Command VerifyExport { get; } = Define(new Command("verify-export", Usage) { ExportFolder, ReceiptFile, KeysFile });

    /// <summary>Runs <c>verify</c>, <c>verify-consistency</c> or <c>verify-export</c>; <paramref name="args"/> start with the command's name.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) =>
        LedgerCommandLine.TryParse(args, [Verify, VerifyConsistency, VerifyExport], output, error, out var parsed, out var exit)
            ? Run(parsed, output, error)
            : exit;

    private static Command Define(Command command, Action<Command>? configure = null)
    {
        configure?.Invoke(command);
        command.SetAction(parsed => Run(parsed, parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error));
        return command;
    }

    private static int Run(ParseResult parsed, TextWriter output, TextWriter error)
    {
        try
        {
            var command = parsed.CommandResult.Command;
            if (command == VerifyConsistency)
            {
                return Report(ConsistencyVerifier.Verify(Read<SignedCheckpoint>(parsed.GetRequiredValue(OlderCheckpoint)),
                    Read<SignedCheckpoint>(parsed.GetRequiredValue(NewerCheckpoint)), Read<ConsistencyProofFile>(parsed.GetRequiredValue(ProofFile)).Proof,
                    ReadKeys(parsed.GetRequiredValue(TrustedKeysFile))), output);
            }
            var receiptPath = parsed.GetRequiredValue(ReceiptFile);
            var keysPath = parsed.GetValue(KeysFile);
            return command == VerifyExport
                ? Report(VerifyExportFolder(parsed.GetRequiredValue(ExportFolder), receiptPath, keysPath, output), output)
                : Report(VerifyReceipt(receiptPath, keysPath, parsed.GetValue(ConsortiumFile), parsed.GetValue(OpeningFile), output), output);
        }
        catch (CliException ex)
        {
            return Fail(error, ex.Message);
        }
    }

    private static VerificationResult VerifyReceipt(string receiptPath, string? keysPath, string? consortiumPath, string? openingPath, TextWriter output)
    {
        var receipt = Read<Receipt>(receiptPath);
        var opening = openingPath is null ? null : Read<Opening>(openingPath);
        var consortium = consortiumPath is null ? null : Read<ConsortiumConfiguration>(consortiumPath);
        if (receipt.Version == Receipt.ConsortiumVersion && consortium is null)
        {
            output.WriteLine("warning: no --consortium given; trusting the consortium configuration inside the receipt.");
        }
        else if (receipt.Version != Receipt.ConsortiumVersion && keysPath is null && consortium is null)
        {
            output.WriteLine("warning: no --keys given; trusting the replica keys inside the receipt.");
        }
        var included = ReceiptVerifier.Verify(receipt, keysPath is null ? null : ReadKeys(keysPath), consortium);
        if (!included.IsValid || opening is null)
        {
            return included;
        }
        var opened = OpeningVerifier.Verify(receipt, opening);
        return opened.IsValid ? VerificationResult.Valid(included.Reason + " " + opened.Reason) : opened;
    }

    private static VerificationResult VerifyExportFolder(string folder, string receiptPath, string? keysPath, TextWriter output)
    {
        if (!Directory.Exists(folder))
        {
            throw new CliException($"{folder} is not a folder.");
        }
        var included = VerifyReceipt(receiptPath, keysPath, consortiumPath: null, openingPath: null, output);
        if (!included.IsValid)
        {
            return included;
        }
        var folderResult = ExportFolderVerifier.Verify(Read<Receipt>(receiptPath), folder);
        return folderResult.IsValid ? VerificationResult.Valid(included.Reason + " " + folderResult.Reason) : folderResult;
    }

    private static int Report(VerificationResult result, TextWriter output)
    {
        output.WriteLine((result.IsValid ? "VALID: " : "INVALID: ") + result.Reason);
        return result.IsValid ? Valid : Invalid;
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine(message);
        return Unusable;
    }

    private static IReadOnlyList<ReplicaKey> ReadKeys(string path) => Read<ReplicaKeysFile>(path).Keys;

    private static T Read<T>(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json)
                ?? throw new CliException($"{path} is empty.");
        }
        catch (IOException ex)
        {
            throw new CliException($"Cannot read {path}: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new CliException($"Cannot read {path}: {ex.Message}");
        }
        catch (JsonException ex)
        {
            throw new CliException($"{path} is not the expected JSON ({typeof(T).Name}): {ex.Message}");
        }
    }

    private sealed record ReplicaKeysFile(IReadOnlyList<ReplicaKey> Keys);

    private sealed record ConsistencyProofFile(IReadOnlyList<string> Proof);

    private sealed class CliException(string message) : Exception(message);
}
