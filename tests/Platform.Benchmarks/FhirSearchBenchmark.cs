using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Messaging;
using Platform.Messaging.InProcess;
using Platform.RecordVault;
using Platform.RecordVault.Records;
using Platform.Testing;
using R4 = Hl7.Fhir.Model;

namespace Platform.Benchmarks;

/// <summary>
/// FHIR search at scale (docs/fhir.md, docs/benchmarks.md): one patient with N Observations (10,000 by default),
/// searched over HTTP by the patient with closed-loop callers — by <c>_lastUpdated</c>, by <c>code</c> (blind-index
/// lookup), by <c>date</c> (stored ranges), a deep page (<c>_offset</c>), and a count-only search (<c>_count=0</c>:
/// matching alone, no resource read) — beside the baseline of the same run: a plain FHIR read of one resource. Each
/// search page of 20 is 20 audited reads (decrypt, signed access event, outbox), so a page costs about 20 reads plus
/// the matching. Set up like the vault benchmark: PostgreSQL, the vault's keys on SoftHSM2 (PKCS#11), the real
/// identity service for the patient's token, a stand-in ledger subscriber; the records are written in process through
/// <see cref="RecordStore.CreateAsync"/> (the same path as POST /fhir/r4/Observation, search keys included).
/// </summary>
public static class FhirSearchBenchmark
{
    private static readonly string[] Codes =
        ["8867-4", "8310-5", "8480-6", "8462-4", "9279-1", "2708-6", "29463-7", "8302-2", "2339-0", "718-7",
         "2093-3", "2085-9", "2571-8", "4548-4", "6690-2", "789-8", "777-3", "2160-0", "2951-2", "2823-3"];

    public static async Task RunAsync(TimeSpan duration, int concurrency, int resources)
    {
        Console.WriteLine($"(load average at the start: {LoadAverage()})");
        Console.WriteLine($"FHIR search: one patient with {resources:N0} Observations ({Codes.Length} LOINC codes, effective dates over 2015-2024), "
            + $"vault + identity in process, PostgreSQL, SoftHSM2 (PKCS#11), {concurrency} concurrent callers, {duration.TotalSeconds:F0} s per row "
            + $"after a 2 s warm-up, loopback, {Environment.ProcessorCount} cores, Release build");

        await using var postgres = new PostgresServer();
        await postgres.InitializeAsync();
        var connectionString = await postgres.CreateDatabaseAsync("fhir_search_bench");
        using var hsm = new SoftHsmFixture();
        await using var broker = new InProcessBroker();
        await using var ledgerStandIn = broker.Subscribe(EventTopics.For<RecordAccessedV1>(), "bench-ledger-stand-in",
            EventTopics.DeadLetterFor(EventTopics.For<RecordAccessedV1>()), (_, _) => Task.FromResult(DispatchOutcome.Success));
        await using var identity = await IdentityServer.StartAsync(new Dictionary<string, string?>
        {
            ["Identity:AccessTokenLifetime"] = "02:00:00",
            ["RateLimiting:per-client:PermitLimit"] = "100000000",
            ["Logging:LogLevel:Default"] = "Error",
        });
        await using var vault = await ServiceUnderTest.StartAsync(RecordVaultService.Build, new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:record-vault"] = connectionString,
            ["Keys:Provider"] = "Pkcs11",
            ["Keys:Pkcs11:LibraryPath"] = hsm.LibraryPath,
            ["Keys:Pkcs11:TokenLabel"] = hsm.TokenLabel,
            ["Keys:Pkcs11:UserPin"] = hsm.UserPin,
            ["Authentication:Authority"] = identity.BaseAddress.AbsoluteUri,
            ["Authentication:RequireHttpsMetadata"] = "false",
            ["RateLimiting:per-client:PermitLimit"] = "100000000",
            ["Logging:LogLevel:Default"] = "Error",
        }, builder => builder.Services.AddSingleton(broker));

        var account = await TestAccounts.CreateAsync(identity.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        string token;
        using (var session = new FormSession(identity.BaseAddress))
        {
            token = (await new CodeFlow(session).SignInThroughPortalAsync(account, "openid records")).GetProperty("access_token").GetString()!;
        }
        var patient = account.Id;

        // Seeding: the patient's own writes, four at a time, through the store (validation, encryption, search keys, audit).
        var seeding = Stopwatch.StartNew();
        var ids = new string[resources];
        var caller = new RecordCaller(patient, IsPatient: true, IsClinician: false, "TREAT", BreakGlass: false);
        var validator = new Platform.RecordVault.Core.FhirRecordValidator();
        await Parallel.ForEachAsync(Enumerable.Range(0, resources), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, ct) =>
        {
            var json = Encoding.UTF8.GetBytes(ObservationJson(patient, i));
            var parsed = validator.Validate(json);
            if (!parsed.IsValid)
            {
                throw new InvalidOperationException($"Seed {i} is not valid: {parsed.Problems[0].Message}");
            }
            await using var scope = vault.Services.CreateAsyncScope();
            var payload = new RecordPayload(RecordPayload.Fhir, "application/fhir+json", "Observation", parsed.Category!.Code, new MemoryStream(json), parsed.Resource);
            var (record, _) = await scope.ServiceProvider.GetRequiredService<RecordStore>().CreateAsync(caller, patient, payload, ct);
            ids[i] = record.Id.ToString("D");
        });
        seeding.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"(set-up: {resources:N0} Observations written through RecordStore in {seeding.Elapsed.TotalSeconds:F1} s, {resources / seeding.Elapsed.TotalSeconds:F0}/s)"));

        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = vault.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var midpoint = DateTimeOffset.UtcNow.AddSeconds(-seeding.Elapsed.TotalSeconds / 2).ToString("yyyy-MM-ddTHH:mm:ss'Z'", CultureInfo.InvariantCulture);

        var targets = new (string Name, Func<Random, string> Url, int? ExpectedEntries)[]
        {
            ("baseline: read one Observation", r => $"/fhir/r4/Observation/{ids[r.Next(ids.Length)]}", null),
            ("search _lastUpdated=ge(mid-seeding), page of 20", _ => $"/fhir/r4/Observation?_lastUpdated=ge{midpoint}&_count=20", 20),
            ("search code=loinc|(one of 20), page of 20", r => $"/fhir/r4/Observation?code=http://loinc.org|{Codes[r.Next(Codes.Length)]}&_count=20", 20),
            ("search date=(one half year), page of 20", r => HalfYear(2015 + r.Next(10)), 20),
            ("search, a random deep page (_offset), page of 20", r => $"/fhir/r4/Observation?_count=20&_offset={r.Next(Math.Max(1, resources - 20))}", 20),
            ("search code=loinc|(one of 20), _count=0 (total only)", r => $"/fhir/r4/Observation?code=http://loinc.org|{Codes[r.Next(Codes.Length)]}&_count=0", 0),
            ("search _count=0 (total only, all)", _ => "/fhir/r4/Observation?_count=0", 0),
        };

        // Probe each target once: a misconfiguration fails loudly, and the totals show what each matches.
        foreach (var (name, url, _) in targets)
        {
            using var probe = await client.GetAsync(url(new Random(1)));
            var body = await probe.Content.ReadAsStringAsync();
            if (!probe.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{name}: {(int)probe.StatusCode} {body[..Math.Min(400, body.Length)]}");
            }
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("total", out var total))
            {
                Console.WriteLine($"  ({name}: total {total.GetInt32():N0})");
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{"target",-58} {"req/s",9} {"p50 ms",8} {"p99 ms",8} {"errors",7} {"res/s",9}");
        foreach (var (name, url, expected) in targets)
        {
            long entries = 0;
            async Task<(bool, string?)> Call(Random random)
            {
                using var response = await client.GetAsync(url(random));
                var body = await response.Content.ReadAsStringAsync();
                if (!response.IsSuccessStatusCode)
                {
                    return (false, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
                }
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                var count = root.TryGetProperty("entry", out var list) ? list.GetArrayLength() : root.GetProperty("resourceType").GetString() == "Bundle" ? 0 : 1;
                Interlocked.Add(ref entries, count);
                return (expected is null || count == expected, null);
            }
            await LoadLoop.RunAsync(TimeSpan.FromSeconds(2), concurrency, Call, IsTransient);
            Interlocked.Exchange(ref entries, 0);
            var stopwatch = Stopwatch.StartNew();
            var tallies = await LoadLoop.RunAsync(duration, concurrency, Call, IsTransient);
            var seconds = stopwatch.Elapsed.TotalSeconds;
            var all = tallies.SelectMany(t => t.Latencies).Order().ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-58} {all.Length / seconds,9:F1} {LoadLoop.Percentile(all, 0.5),8:F1} {LoadLoop.Percentile(all, 0.99),8:F1} {tallies.Sum(t => t.Errors),7} {Interlocked.Read(ref entries) / seconds,9:F1}"));
        }
        Console.WriteLine($"(load average at the end: {LoadAverage()})");
    }

    /// <summary>An Observation of the patient: one of 20 LOINC codes, vital-signs or laboratory, an effective date spread over 2015-2024.</summary>
    private static string ObservationJson(string patient, int index)
    {
        var code = Codes[index % Codes.Length];
        var category = index % 2 == 0 ? "vital-signs" : "laboratory";
        // 10,000 resources spread over ten years: one every 525.6 minutes.
        var effective = new DateTimeOffset(2015, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(index * 525.6);
        return "{\"resourceType\":\"Observation\",\"status\":\"final\",\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/observation-category\",\"code\":\""
            + category + "\"}]}],\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"" + code + "\"}]},\"subject\":{\"reference\":\"Patient/" + patient
            + "\"},\"effectiveDateTime\":\"" + effective.ToString("yyyy-MM-ddTHH:mm:ss'Z'", CultureInfo.InvariantCulture)
            + "\",\"valueQuantity\":{\"value\":" + (60 + index % 40).ToString(CultureInfo.InvariantCulture) + ",\"unit\":\"1\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"1\"}}";
    }

    private static string HalfYear(int year) => $"/fhir/r4/Observation?date=ge{year}-01-01&date=lt{year}-07-01&_count=20";

    private static bool IsTransient(Exception ex) => ex is HttpRequestException or TaskCanceledException;

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
