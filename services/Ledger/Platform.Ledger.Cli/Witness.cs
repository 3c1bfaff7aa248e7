using System.Security.Cryptography;
using System.Text.Json;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Cli;

/// <summary>
/// The witness side of <c>ledger audit</c>: its P-256 key (a PEM file the witness keeps; witnesses are often third
/// parties without the consortium's key providers) and its state file, read before the audit and replaced (written
/// beside it, then renamed) only after a clean audit, so a refused run leaves the last consistent head in place.
/// </summary>
internal sealed class Witness : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly string _name;
    private readonly ECDsa _key;
    private readonly string _stateFile;
    private readonly WitnessState _state;

    private Witness(string name, ECDsa key, string stateFile, WitnessState state) =>
        (_name, _key, _stateFile, _state) = (name, key, stateFile, state);

    /// <summary>Reads the key and the state (none yet on a first run); null, with the reason on <paramref name="error"/>, when either is unusable.</summary>
    public static Witness? Open(string name, string keyFile, string stateFile, TextWriter error)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(keyFile));
            _ = WitnessKey.From(key);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException)
        {
            key.Dispose();
            error.WriteLine($"Cannot use {keyFile} as the witness key (an EC P-256 private key in PEM): {e.Message}");
            return null;
        }

        WitnessState state;
        try
        {
            state = File.Exists(stateFile)
                ? JsonSerializer.Deserialize<WitnessState>(File.ReadAllText(stateFile), Json) ?? throw new JsonException("The file is empty.")
                : new WitnessState(name, []);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            key.Dispose();
            error.WriteLine($"Cannot read the witness state {stateFile}: {e.Message}");
            return null;
        }
        if (state.Witness != name)
        {
            key.Dispose();
            error.WriteLine($"{stateFile} is the state of witness '{state.Witness}', not '{name}'.");
            return null;
        }
        return new Witness(name, key, stateFile, state);
    }

    /// <summary>The head this witness last verified and cosigned for the ledger, if any.</summary>
    public WitnessedLedger? Previous(string ledgerId) => _state.Ledgers.GetValueOrDefault(ledgerId);

    /// <summary>
    /// After the audit: with <paramref name="consistent"/> (every checkpoint seen, when nothing was found) cosigns the
    /// newest and saves it as the ledger's head; with null (findings) cosigns nothing and leaves the state as it was.
    /// </summary>
    public object Conclude(string ledgerId, WitnessedLedger? previous, IReadOnlyList<ObservedCheckpoint>? consistent)
    {
        if (consistent is null)
        {
            return new
            {
                name = _name,
                key = WitnessKey.From(_key).Thumbprint(),
                previousHead = previous?.Head.Checkpoint.TreeSize,
                cosigned = false,
                reason = "The audit found equivocation or a checkpoint without a majority: nothing is cosigned and the state keeps the last consistent head.",
            };
        }
        // Every checkpoint seen is majority-signed and on one log: the newest extends all the others.
        var head = consistent.Select(o => o.Checkpoint).MaxBy(c => c.Checkpoint.TreeSize)!;
        var cosignature = WitnessCosignature.Sign(_name, _key, head.Checkpoint, DateTimeOffset.UtcNow);
        _state.Ledgers[ledgerId] = new WitnessedLedger(head, cosignature);
        var temporary = _stateFile + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(_state, Json));
        File.Move(temporary, _stateFile, overwrite: true);
        return new
        {
            name = _name,
            key = cosignature.Key.Thumbprint(),
            previousHead = previous?.Head.Checkpoint.TreeSize,
            cosigned = true,
            cosignature,
        };
    }

    public void Dispose() => _key.Dispose();
}
