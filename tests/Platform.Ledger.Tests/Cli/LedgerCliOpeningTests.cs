using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Platform.Ledger.Cli;
using Platform.Ledger.Tests.State;
using Platform.Ledger.Verification;
using Platform.SignedEvents;

namespace Platform.Ledger.Tests.Cli;

/// <summary>
/// <c>ledger verify --opening</c>: a blinded (v2) consent entry, its receipt and the patient's opening verify; a
/// wrong opening, or an opening for a v1 entry, does not. The entry is blinded by <see cref="LedgerBlinding"/> and
/// checked by <see cref="OpeningVerifier"/>, which is written from docs/ledger-receipts.md on its own.
/// </summary>
public sealed class LedgerCliOpeningTests : IAsyncLifetime, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const string Patient = "9f3e5d0c1b2a48d7a6e5f4c3b2a19080";
    private readonly string _directory = Directory.CreateTempSubdirectory("ledger-cli-opening-").FullName;
    private readonly byte[] _salt = LedgerBlinding.NewSalt();
    private readonly Guid _consentId = Guid.NewGuid();
    private LedgerFixture _ledger = null!;
    private string _receiptPath = "";
    private string _v1ReceiptPath = "";
    private string _keysPath = "";
    private Opening _opening = null!;

    public async Task InitializeAsync()
    {
        _ledger = await LedgerFixture.CreateAsync();
        var form = $"{{\"format\":\"platform.consent.v1\",\"id\":\"{_consentId:D}\",\"subject\":\"{Patient}\",\"version\":2}}";
        var payload = new BlindedConsentEventPayload
        {
            EventId = Guid.NewGuid(), Issuer = "consent", IssuedAt = 1_800_000_000,
            Subject = LedgerBlinding.Identifier(_salt, LedgerBlinding.SubjectRole, Patient),
            ConsentId = _consentId, ConsentVersion = 2, ConsentHash = LedgerBlinding.Hash(_salt, Encoding.UTF8.GetBytes(form)), Action = "narrow",
        };
        _ledger.Submit(await new SignedEventWriter(_ledger.ConsentKey).SignAsync(payload, CancellationToken.None));
        var (v1, v1Payload) = await _ledger.SignConsentEventAsync();
        _ledger.Submit(v1);
        await _ledger.CloseAndSignAsync(signers: 2);
        _receiptPath = Write("receipt.json", _ledger.State.ReceiptFor(payload.EventId).Receipt!);
        _v1ReceiptPath = Write("receipt-v1.json", _ledger.State.ReceiptFor(v1Payload.EventId).Receipt!);
        _keysPath = Write("keys.json", new { keys = _ledger.TrustedReplicaKeys });
        _opening = new Opening(Opening.CurrentFormat, Base64Url.EncodeToString(_salt), Patient, form);
    }

    public async Task DisposeAsync() => await _ledger.DisposeAsync();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, object value)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, JsonSerializer.Serialize(value, Json));
        return path;
    }

    private static (int Exit, string Out) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        return (LedgerCli.Run(args, output, error), output.ToString() + error);
    }

    [Fact]
    public void The_patients_opening_proves_which_consent_a_blinded_entry_is()
    {
        var (exit, output) = Run("verify", _receiptPath, "--keys", _keysPath, "--opening", Write("opening.json", _opening));

        Assert.Equal(0, exit);
        Assert.StartsWith("VALID: Entry 0 is included", output, StringComparison.Ordinal);
        Assert.Contains($"The entry is consent {_consentId:D} version 2 of {Patient}, as the opening states.", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("subject")]
    [InlineData("salt")]
    [InlineData("form")]
    [InlineData("version")]
    public void A_wrong_opening_is_invalid_with_exit_code_1(string wrong)
    {
        var opening = wrong switch
        {
            "subject" => _opening with { Subject = "another-patient-0001" },
            "salt" => _opening with { Salt = Base64Url.EncodeToString(LedgerBlinding.NewSalt()) },
            "form" => _opening with { CanonicalForm = _opening.CanonicalForm!.Replace("platform.consent.v1", "platform.consent.v2", StringComparison.Ordinal) },
            _ => _opening with { CanonicalForm = _opening.CanonicalForm!.Replace("\"version\":2", "\"version\":3", StringComparison.Ordinal) },
        };

        var (exit, output) = Run("verify", _receiptPath, "--keys", _keysPath, "--opening", Write($"opening-{wrong}.json", opening));

        Assert.Equal(1, exit);
        Assert.StartsWith("INVALID:", output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_opening_for_a_v1_entry_is_refused_because_v1_has_nothing_blinded()
    {
        var (exit, output) = Run("verify", _v1ReceiptPath, "--keys", _keysPath, "--opening", Write("opening-v1.json", _opening));

        Assert.Equal(1, exit);
        Assert.Contains("not a blinded (v2) one", output, StringComparison.Ordinal);
    }
}
