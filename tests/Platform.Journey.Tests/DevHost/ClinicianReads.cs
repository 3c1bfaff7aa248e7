using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Ledger.Verification;

namespace Platform.Journey.Tests.DevHost;

/// <summary>
/// The crash test's record accesses: the demo patient stores one record and grants the demo clinician consent to read
/// it; the clinician then reads it again and again. Every read the vault answered 200 has written an access event
/// (the log entry and its outbox row in one transaction), so after the kills each must be in the patient's access log
/// with a ledger receipt that verifies.
/// </summary>
public sealed class ClinicianReads
{
    private readonly string _clinicianToken;
    private readonly string _patientToken;
    private readonly string _patient;
    private readonly string _clinician;
    private readonly Guid _record;
    private int _acknowledged;

    private ClinicianReads(string patientToken, string patient, string clinicianToken, string clinician, Guid record) =>
        (_patientToken, _patient, _clinicianToken, _clinician, _record) = (patientToken, patient, clinicianToken, clinician, record);

    /// <summary>Reads the vault answered with the record (each one an access event the ledger must commit).</summary>
    public int Acknowledged => Volatile.Read(ref _acknowledged);

    /// <param name="patientToken">The demo patient's token with the <c>records</c> and <c>consent.manage</c> scopes.</param>
    public static async Task<ClinicianReads> SetUpAsync(DevHostProcess host, string patientToken)
    {
        var patient = Jwt.Payload(patientToken).GetProperty("sub").GetString()!;
        var clinicianToken = await ClinicianTokenAsync(host);
        var clinician = Jwt.Payload(clinicianToken).GetProperty("sub").GetString()!;

        using var vault = Client(host.RecordVaultPort, patientToken);
        using var observation = new StringContent(
            "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},"
            + "\"valueQuantity\":{\"value\":72,\"unit\":\"beats/minute\"}}", Encoding.UTF8, "application/fhir+json");
        using var stored = await vault.PostAsync(new Uri($"/patients/{patient}/records", UriKind.Relative), observation);
        Assert.True(stored.StatusCode == HttpStatusCode.Created, await stored.Content.ReadAsStringAsync());
        var record = Guid.Parse((await stored.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);

        using var consent = Client(host.ConsentPort, patientToken);
        using var granted = await consent.PostAsJsonAsync("/consents", new
        {
            grantee = new { kind = "practitioner", id = clinician },
            categories = new[] { "observation" },
            purposes = new[] { "TREAT" },
        });
        Assert.True(granted.StatusCode == HttpStatusCode.Created, await granted.Content.ReadAsStringAsync());
        return new ClinicianReads(patientToken, patient, clinicianToken, clinician, record);
    }

    /// <summary>The clinician reads the record until stopped or until the host is gone (killed).</summary>
    public async Task LoadAsync(DevHostProcess host, CancellationToken stop)
    {
        using var http = Client(host.RecordVaultPort, _clinicianToken);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var read = await http.GetAsync(new Uri($"/records/{_record}", UriKind.Relative), stop);
                if (read.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref _acknowledged);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                return; // the host is gone: an unanswered read is not acknowledged
            }
        }
    }

    /// <summary>
    /// Every acknowledged read is in the access log (unanswered reads may be there too: they ran, the answer was lost),
    /// and every entry of the log has a receipt that verifies against the ledger's replica keys.
    /// </summary>
    public async Task<string> AssertEveryReadHasItsReceiptAsync(DevHostProcess host)
    {
        using var vault = Client(host.RecordVaultPort, _patientToken);
        using var ledger = Client(host.LedgerPort, null);
        var keys = (await ledger.GetFromJsonAsync<JsonElement>("/replicas/keys")).GetProperty("keys").Deserialize<List<ReplicaKey>>(JsonSerializerOptions.Web)!;
        var log = (await vault.GetFromJsonAsync<JsonElement>($"/patients/{_patient}/access-log")).EnumerateArray().ToList();
        var reads = log.Count(e => e.GetProperty("actor").GetString() == _clinician && e.GetProperty("outcome").GetString() == "permit"
                                   && e.GetProperty("recordId").GetGuid() == _record);
        Assert.True(reads >= Acknowledged, $"{Acknowledged} reads were acknowledged but the access log holds {reads}");
        var missing = log.Where(e => e.GetProperty("receipt").ValueKind != JsonValueKind.Object).Select(e => e.GetProperty("eventId").GetString()).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {log.Count} access events have no receipt: {string.Join(", ", missing.Take(20))}");
        foreach (var entry in log)
        {
            var result = ReceiptVerifier.Verify(entry.GetProperty("receipt").Deserialize<Receipt>(JsonSerializerOptions.Web)!, keys);
            Assert.True(result.IsValid, $"access event {entry.GetProperty("eventId")}: {result.Reason}");
        }
        return $"access log: {log.Count} entries ({reads} clinician reads, {Acknowledged} acknowledged), all with receipts that verify";
    }

    /// <summary>The demo clinician of README (password and second factor; the TOTP secret is public by design).</summary>
    private static Task<string> ClinicianTokenAsync(DevHostProcess host) =>
        DemoSignIn.TokenAsync(host, new TestAccount("", "clinician@demo.local", "demo-clinician-password", Base32.Decode(AccountSeeder.DemoTotpSecret)), "openid records");

    private static HttpClient Client(int port, string? token) => DemoSignIn.Client(port, token);
}
