using System.Buffers.Text;
using System.Text.Json;
using Platform.Crypto.Jose;
using Platform.Ledger.Cli;
using Platform.Ledger.Tests.State;
using Platform.Ledger.Verification;

namespace Platform.Ledger.Tests.Cli;

/// <summary>The offline verifier as a user runs it: files in, a verdict and an exit code out.</summary>
public sealed class LedgerCliTests : IAsyncLifetime, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _directory = Directory.CreateTempSubdirectory("ledger-cli-").FullName;
    private LedgerFixture _ledger = null!;
    private string _receiptPath = "";
    private string _keysPath = "";
    private Receipt _receipt = null!;

    public async Task InitializeAsync()
    {
        _ledger = await LedgerFixture.CreateAsync();
        var (jws, payload) = await _ledger.SignConsentEventAsync();
        _ledger.Submit(jws);
        _ledger.Submit((await _ledger.SignConsentEventAsync()).Jws);
        await _ledger.CloseAndSignAsync(signers: 2);
        _receipt = _ledger.State.ReceiptFor(payload.EventId).Receipt!;
        _receiptPath = Write("receipt.json", _receipt);
        _keysPath = Write("keys.json", new { keys = _ledger.TrustedReplicaKeys });
    }

    public async Task DisposeAsync() => await _ledger.DisposeAsync();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, object value)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, JsonSerializer.Serialize(value, Json));
        return path;
    }

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = LedgerCli.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void A_genuine_receipt_verifies_with_exit_code_0()
    {
        var (exit, output, _) = Run("verify", _receiptPath, "--keys", _keysPath);
        Assert.Equal(0, exit);
        Assert.StartsWith("VALID:", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_keys_it_verifies_but_warns_that_it_trusted_the_receipt()
    {
        var (exit, output, _) = Run("verify", _receiptPath);
        Assert.Equal(0, exit);
        Assert.Contains("warning", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tampered_receipt_fails_with_exit_code_1_and_the_reason()
    {
        var entry = StrictBase64Url.TryDecode(_receipt.Entry)!;
        entry[20] ^= 1;
        var path = Write("tampered.json", _receipt with { Entry = Base64Url.EncodeToString(entry) });

        var (exit, output, _) = Run("verify", path, "--keys", _keysPath);

        Assert.Equal(1, exit);
        Assert.StartsWith("INVALID:", output, StringComparison.Ordinal);
        Assert.Contains("audit path", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{}")]
    [InlineData("""{"version":1,"entry":"AA","leafIndex":0,"auditPath":null,"checkpoint":null,"replicaKeys":[]}""")]
    public void A_file_that_is_not_a_receipt_exits_2_with_a_message(string content)
    {
        var path = Path.Combine(_directory, "bad.json");
        File.WriteAllText(path, content);
        var (exit, _, error) = Run("verify", path);
        Assert.Equal(2, exit);
        Assert.Contains("bad.json", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_or_bad_arguments_exit_2()
    {
        Assert.Equal(2, Run("verify", Path.Combine(_directory, "missing.json")).Exit);
        Assert.Equal(2, Run().Exit);
        Assert.Equal(2, Run("verify").Exit);
        Assert.Equal(2, Run("verify", _receiptPath, "--keys").Exit);
        Assert.Equal(2, Run("verify-consistency", "a", "b", "c").Exit); // --keys is required here
    }

    [Fact]
    public async Task Consistency_between_two_checkpoints_is_verified_and_a_rewrite_is_detected()
    {
        var older = _ledger.State.LatestFinalCheckpoint()!;
        _ledger.Submit((await _ledger.SignConsentEventAsync()).Jws);
        await _ledger.CloseAndSignAsync(signers: 3);
        var newer = _ledger.State.LatestFinalCheckpoint()!;
        var proof = _ledger.State.ConsistencyProof(older.Checkpoint.TreeSize, newer.Checkpoint.TreeSize)!;
        var olderPath = Write("older.json", older);
        var newerPath = Write("newer.json", newer);
        var proofPath = Write("proof.json", new { proof });
        var flipped = StrictBase64Url.TryDecode(proof[0])!;
        flipped[0] ^= 1;
        var badProofPath = Write("bad-proof.json", new { proof = new[] { Base64Url.EncodeToString(flipped) }.Concat(proof.Skip(1)).ToArray() });

        Assert.Equal(0, Run("verify-consistency", olderPath, newerPath, proofPath, "--keys", _keysPath).Exit);
        var (exit, output, _) = Run("verify-consistency", olderPath, newerPath, badProofPath, "--keys", _keysPath);
        Assert.Equal(1, exit);
        Assert.StartsWith("INVALID:", output, StringComparison.Ordinal);
    }
}
