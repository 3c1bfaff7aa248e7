using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Platform.DevHost;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Ledger.Cli;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Journey.Tests.DevHost;

/// <summary>
/// Issue #22's "done when" on the dev host as a user starts it (docs/research.md#try-it-on-the-dev-host): the seeded
/// study is open to the demo patient, who stores an observation full of identifiers and opts in through the API; the
/// seeded researcher (second factor, <c>research.export</c>) exports the study, downloads the manifest and the NDJSON,
/// and <c>ledger verify-export</c> (the CLI's own code) accepts the folder against the receipt; no identifier of the
/// patient is in the files. A restart on the same data seeds nothing twice.
/// </summary>
public sealed class ResearchDevHostTests(ITestOutputHelper output)
{
    private const string Mrn = "MRN-DEMO-4711";
    private const string BirthDate = "1961-07-14";
    private static readonly TestAccount Patient = new("", "patient@demo.local", "demo-patient-password", null);
    private static readonly TestAccount Researcher = new("", DevHostResearchSeed.Researcher.Email, DevHostResearchSeed.Researcher.Password, Base32.Decode(AccountSeeder.DemoTotpSecret));

    [Fact]
    public async Task The_demo_patient_opts_in_and_the_seeded_researcher_exports_verifies_and_finds_no_identifier()
    {
        var root = Directory.CreateTempSubdirectory("research-devhost-");
        var data = Path.Combine(root.FullName, "data");
        int firstPort;
        try
        {
            await using (var host = await StartSeededAsync(data))
            {
                firstPort = host.IdentityPort;
                Assert.Contains("researcher@demo.local demo-researcher-password", host.Output, StringComparison.Ordinal);

                // The patient keeps an observation whose free text and identifier name them, then joins the seeded study.
                var patientToken = await DemoSignIn.TokenAsync(host, Patient, "openid records consent.manage");
                var patient = Jwt.Payload(patientToken).GetProperty("sub").GetString()!;
                using var vault = DemoSignIn.Client(host.RecordVaultPort, patientToken);
                using (var stored = await vault.PostAsync(new Uri($"/patients/{patient}/records", UriKind.Relative), Observation(patient)))
                {
                    Assert.True(stored.StatusCode == HttpStatusCode.Created, await stored.Content.ReadAsStringAsync());
                }
                using var consent = DemoSignIn.Client(host.ConsentPort, patientToken);
                var invitation = (await consent.GetFromJsonAsync<JsonElement>("/research/invitations")).EnumerateArray()
                    .Single(i => i.GetProperty("study").GetProperty("title").GetString() == DevHostResearchSeed.StudyTitle);
                var terms = invitation.GetProperty("study");
                Assert.Equal(DevHostResearchSeed.OrganisationName, terms.GetProperty("organisationName").GetString());
                Assert.Equal((500, "EUR"), (terms.GetProperty("compensation").GetProperty("amountMinor").GetInt32(), terms.GetProperty("compensation").GetProperty("currency").GetString()));
                var study = terms.GetProperty("id").GetString()!;
                using (var optedIn = await consent.PostAsJsonAsync($"/research/studies/{study}/opt-in", new { }))
                {
                    Assert.True(optedIn.StatusCode == HttpStatusCode.Created, await optedIn.Content.ReadAsStringAsync());
                }

                // The researcher signs in with their second factor and exports the study.
                var researcherToken = await DemoSignIn.TokenAsync(host, Researcher, "openid research.export");
                using var researcher = DemoSignIn.Client(host.RecordVaultPort, researcherToken);
                string statusUrl;
                using (var started = await researcher.PostAsync(new Uri($"/research/studies/{study}/exports", UriKind.Relative), null))
                {
                    Assert.True(started.StatusCode == HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
                    statusUrl = started.Content.Headers.ContentLocation?.OriginalString ?? started.Headers.GetValues("Content-Location").Single();
                }
                JsonElement status = default;
                await Eventually.TrueAsync(async () =>
                {
                    using var answer = await researcher.GetAsync(new Uri(statusUrl, UriKind.RelativeOrAbsolute));
                    Assert.True(answer.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, await answer.Content.ReadAsStringAsync());
                    status = await answer.Content.ReadFromJsonAsync<JsonElement>();
                    return answer.StatusCode == HttpStatusCode.OK && status.GetProperty("receipt").ValueKind == JsonValueKind.Object;
                }, "the export completes and its manifest's receipt comes back from the ledger", TimeSpan.FromSeconds(90));

                // The four synthetic participants and the patient: k = 5 is reached, every one released.
                Assert.Equal(5, status.GetProperty("manifest").GetProperty("participants").GetInt32());
                var folder = Directory.CreateDirectory(Path.Combine(root.FullName, "export")).FullName;
                await File.WriteAllBytesAsync(Path.Combine(folder, "manifest.json"), await researcher.GetByteArrayAsync(new Uri(status.GetProperty("manifestUrl").GetString()!, UriKind.RelativeOrAbsolute)));
                var exported = new StringBuilder();
                foreach (var file in status.GetProperty("files").EnumerateArray())
                {
                    var bytes = await researcher.GetByteArrayAsync(new Uri(file.GetProperty("url").GetString()!, UriKind.RelativeOrAbsolute));
                    await File.WriteAllBytesAsync(Path.Combine(folder, file.GetProperty("name").GetString()!), bytes);
                    exported.Append(Encoding.UTF8.GetString(bytes));
                }
                Assert.Equal(5, CountLines(exported, "\"resourceType\":\"Patient\""));
                Assert.Equal(5, CountLines(exported, "\"resourceType\":\"Observation\""));

                // `ledger verify-export`, as the CLI runs it, with the replica keys fetched from the ledger.
                var receiptPath = Path.Combine(root.FullName, "receipt.json");
                await File.WriteAllTextAsync(receiptPath, status.GetProperty("receipt").GetRawText());
                var keysPath = Path.Combine(root.FullName, "keys.json");
                using (var ledger = DemoSignIn.Client(host.LedgerPort, null))
                {
                    await File.WriteAllTextAsync(keysPath, await ledger.GetStringAsync(new Uri("/replicas/keys", UriKind.Relative)));
                }
                using var verifyOutput = new StringWriter();
                using var verifyError = new StringWriter();
                var exit = LedgerCli.Run(["verify-export", folder, receiptPath, "--keys", keysPath], verifyOutput, verifyError);
                Assert.True(exit == 0, $"ledger verify-export: {verifyOutput}{verifyError}");
                Assert.Contains($"of study {study}", verifyOutput.ToString(), StringComparison.Ordinal);

                // No direct identifier of the patient: name, account, medical record number, birth date, pseudonym.
                foreach (var identifier in new[] { "Pat Patient", Patient.Email, Mrn, BirthDate, patient })
                {
                    Assert.DoesNotContain(identifier, exported.ToString(), StringComparison.Ordinal);
                }
                output.WriteLine($"study {study}: {verifyOutput.ToString().Trim()}");
                Assert.True(await host.StopAsync(TimeSpan.FromSeconds(30)) == 0, $"The dev host did not stop cleanly:\n{host.OutputTail()}");
            }

            // A second start on the same data (and ports: a ledger replica's log belongs to its endpoint) seeds nothing twice.
            await using (var again = await StartSeededAsync(data, firstPort))
            {
                Assert.True(await again.StopAsync(TimeSpan.FromSeconds(30)) == 0, $"The dev host did not stop cleanly:\n{again.OutputTail()}");
            }
            Assert.Equal(1, Count(data, "identity.db", $"SELECT COUNT(*) FROM AspNetUsers WHERE Email = '{DevHostResearchSeed.Researcher.Email}'"));
            Assert.Equal(1, Count(data, "consent.db", "SELECT COUNT(*) FROM ResearchOrganisations"));
            Assert.Equal(1, Count(data, "consent.db", "SELECT COUNT(*) FROM ResearchStudies"));
            Assert.Equal(1, Count(data, "consent.db", "SELECT COUNT(*) FROM VerifiedPeople"));
            Assert.Equal(DevHostResearchSeed.SyntheticParticipants + 1, Count(data, "consent.db", "SELECT COUNT(*) FROM Consents"));
            Assert.Equal(DevHostResearchSeed.SyntheticParticipants + 1, Count(data, "record-vault.db", "SELECT COUNT(*) FROM Records"));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                root.Delete(recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The dev host once its start-up banner is out: the research seed runs after the services answer, before the banner.</summary>
    private static async Task<DevHostProcess> StartSeededAsync(string data, int? firstPort = null)
    {
        var host = await DevHostProcess.StartAsync(data, TimeSpan.FromSeconds(120), firstPort);
        try
        {
            await Eventually.TrueAsync(() => Task.FromResult(host.Output.Contains("Press Ctrl+C to stop.", StringComparison.Ordinal) || host.ExitCode is not null),
                "the dev host prints its banner after seeding", TimeSpan.FromSeconds(90));
            Assert.True(host.ExitCode is null, $"The dev host exited while seeding:\n{host.OutputTail()}");
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>An observation as a clinic might send it: the patient's name and birth date in a note, their record number as an identifier.</summary>
    private static StringContent Observation(string patient) => new(
        "{\"resourceType\":\"Observation\",\"status\":\"final\","
        + $"\"identifier\":[{{\"system\":\"urn:demo:mrn\",\"value\":\"{Mrn}\"}}],"
        + "\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\",\"display\":\"Heart rate\"}]},"
        + $"\"subject\":{{\"reference\":\"Patient/{patient}\",\"display\":\"Pat Patient\"}},"
        + "\"effectiveDateTime\":\"2026-03-11T08:30:00Z\","
        + "\"valueQuantity\":{\"value\":68,\"unit\":\"beats/minute\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"/min\"},"
        + $"\"note\":[{{\"text\":\"Pat Patient, born {BirthDate}, {Mrn}\"}}]}}",
        Encoding.UTF8, "application/fhir+json");

    private static int CountLines(StringBuilder ndjson, string marker) =>
        ndjson.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains(marker, StringComparison.Ordinal));

    private static long Count(string data, string database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(data, database)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }
}
