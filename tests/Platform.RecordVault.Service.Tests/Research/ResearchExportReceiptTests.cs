using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Consent.Data;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Ledger.Verification;
using Platform.Messaging.Receipts;
using Platform.RecordVault.Data;
using Platform.Testing;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Service.Tests.Research;

/// <summary>
/// Receipt reconciliation for a research export's manifest event (<c>research.exported</c>): when the ledger's
/// <c>ledger.committed</c> for it is lost, the vault's reconciler fetches the receipt from the ledger, stores it with the
/// export and sends the consent service the released opt-ins, so the participants see the export after all; when the
/// ledger never received the manifest's signed event, the reconciler sends it again and the receipt follows.
/// </summary>
[Collection(VaultCollection.Name)]
public sealed class ResearchExportReceiptTests(VaultPlatform platform)
{
    private readonly ResearchSetup _research = new(platform);

    [Fact]
    public async Task An_export_whose_ledger_committed_was_lost_gets_its_receipt_from_the_reconciler_and_its_participants_see_it()
    {
        var (exportId, statusUrl, researcher, committed) = await CommittedExportAsync();

        // What a lost ledger.committed leaves: the export without a receipt (older than the reconciler's minimum age),
        // and no participant told.
        using (var scope = platform.Vault.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>().ResearchExports.Where(e => e.Id == exportId)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.Receipt, (string?)null).SetProperty(e => e.LeafIndex, (long?)null)
                    .SetProperty(e => e.CompletedAtMs, committed.CompletedAtMs - (long)TimeSpan.FromMinutes(2).TotalMilliseconds));
        }
        using (var scope = platform.Consent.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().ResearchExportInclusions.Where(i => i.ExportId == exportId).ExecuteDeleteAsync();
        }
        var (_, pending, _) = await platform.VaultAsync(HttpMethod.Get, statusUrl, researcher);
        Assert.Equal(JsonValueKind.Null, pending.GetProperty("receipt").ValueKind);
        var health = await platform.Vault.Client.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Matches("^[1-9][0-9]* signed event\\(s\\) await a ledger receipt",
            health.GetProperty("checks").GetProperty("receipts").GetProperty("description").GetString());

        var report = await platform.Vault.Services.GetRequiredService<ReceiptReconciler<RecordVaultDbContext>>().RunOnceAsync(CancellationToken.None);

        Assert.True(report.Stored >= 1, $"stored {report.Stored}");
        var reconciled = await ExportAsync(exportId, e => e.Receipt is not null, "the reconciled receipt");
        Assert.Equal(committed.LeafIndex, reconciled.LeafIndex);
        var receipt = JsonSerializer.Deserialize<Receipt>(reconciled.Receipt!, JsonSerializerOptions.Web)!;
        var keys = (await platform.Ledger.Client.GetFromJsonAsync<JsonElement>("/replicas/keys")).GetProperty("keys").Deserialize<List<ReplicaKey>>(JsonSerializerOptions.Web)!;
        var verified = ReceiptVerifier.Verify(receipt, keys);
        Assert.True(verified.IsValid, verified.Reason);
        Assert.Equal(reconciled.SignedEvent, System.Text.Encoding.UTF8.GetString(Platform.Crypto.Jose.StrictBase64Url.TryDecode(receipt.Entry)!));
        var (_, status, _) = await platform.VaultAsync(HttpMethod.Get, statusUrl, researcher);
        Assert.Equal(committed.LeafIndex, status.GetProperty("receipt").GetProperty("leafIndex").GetInt64());
        // The participants are told with the receipt: their page lists the export again.
        await InclusionsAsync(exportId, 2);
        // Nothing left to do for this export on the next round.
        using (var scope = platform.Vault.Services.CreateScope())
        {
            var awaiting = await new Platform.RecordVault.Events.ResearchExportReceiptHolder(scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>())
                .AwaitingAsync(DateTimeOffset.UtcNow, 1000, CancellationToken.None);
            Assert.DoesNotContain(committed.LedgerEventId!.Value, awaiting);
        }
    }

    /// <summary>A study with two participants (k is 2 in this fixture), its export completed and its manifest committed by the event path.</summary>
    private async Task<(Guid ExportId, string StatusUrl, string Researcher, ResearchExportRow Committed)> CommittedExportAsync()
    {
        var reviewer = await platform.SignInAsync(await TestAccounts.CreateAsync(platform.Identity.Service.Services, PlatformRoles.KycReviewer));
        var (_, researcher) = await _research.ResearcherAsync();
        var studyId = await _research.StudyAsync(await _research.OrganisationAsync(researcher, reviewer), researcher, ["observation"]);
        for (var i = 0; i < 2; i++)
        {
            var (account, token) = await platform.UserAsync(PlatformRoles.Patient);
            await FhirApi.Client(platform, token).CreateAsync(new R4.Observation
            {
                Status = R4.ObservationStatus.Final,
                Code = new R4.CodeableConcept("http://loinc.org", "8480-6", "Systolic blood pressure"),
                Subject = new R4.ResourceReference("Patient/" + account.Id),
                Value = new R4.Quantity(120 + i, "mm[Hg]", "http://unitsofmeasure.org"),
            });
            Assert.Equal(HttpStatusCode.Created, (await platform.SendConsentAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-in", token, new { })).Status);
        }
        var (_, _, raw) = await platform.VaultAsync(HttpMethod.Post, $"/research/studies/{studyId}/exports", researcher);
        var statusUrl = raw.Content.Headers.ContentLocation!.OriginalString;
        var exportId = Guid.Parse((await _research.CompletedAsync(statusUrl, researcher)).GetProperty("id").GetString()!);
        var committed = await ExportAsync(exportId, e => e.Receipt is not null, "the manifest's receipt by the event path");
        await InclusionsAsync(exportId, 2);

        return (exportId, statusUrl, researcher, committed);
    }

    [Fact]
    public async Task An_export_event_the_ledger_never_received_is_republished_and_gets_its_receipt()
    {
        var (exportId, statusUrl, researcher, committed) = await CommittedExportAsync();
        // The manifest event signed anew (a new event id the ledger never saw), the export without a receipt, no participant told.
        Guid neverSent;
        using (var scope = platform.Vault.Services.CreateScope())
        {
            var keys = scope.ServiceProvider.GetRequiredService<Platform.Crypto.IKeyProvider>();
            neverSent = Guid.NewGuid();
            var signed = await new Platform.SignedEvents.SignedEventWriter(await keys.GetSigningKeyAsync(Platform.RecordVault.Access.AccessAudit.KeyName, CancellationToken.None))
                .SignAsync(new Platform.SignedEvents.ResearchExportEventPayload
                {
                    EventId = neverSent,
                    Issuer = Platform.RecordVault.Access.AccessAudit.Source,
                    IssuedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
                    Subject = "export-" + exportId.ToString("N"),
                    ManifestHash = committed.ManifestHash!,
                }, CancellationToken.None);
            await scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>().ResearchExports.Where(e => e.Id == exportId)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.LedgerEventId, neverSent).SetProperty(e => e.SignedEvent, signed)
                    .SetProperty(e => e.Receipt, (string?)null).SetProperty(e => e.LeafIndex, (long?)null)
                    .SetProperty(e => e.CompletedAtMs, committed.CompletedAtMs - (long)TimeSpan.FromMinutes(2).TotalMilliseconds));
        }
        using (var scope = platform.Consent.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().ResearchExportInclusions.Where(i => i.ExportId == exportId).ExecuteDeleteAsync();
        }

        var report = await platform.Vault.Services.GetRequiredService<ReceiptReconciler<RecordVaultDbContext>>().RunOnceAsync(CancellationToken.None);

        Assert.True(report.Republished >= 1, $"republished {report.Republished}");
        var reconciled = await ExportAsync(exportId, e => e.Receipt is not null, "the republished event's receipt");
        Assert.NotEqual(committed.LeafIndex, reconciled.LeafIndex);
        var receipt = JsonSerializer.Deserialize<Receipt>(reconciled.Receipt!, JsonSerializerOptions.Web)!;
        var keysOfLedger = (await platform.Ledger.Client.GetFromJsonAsync<JsonElement>("/replicas/keys")).GetProperty("keys").Deserialize<List<ReplicaKey>>(JsonSerializerOptions.Web)!;
        Assert.True(ReceiptVerifier.Verify(receipt, keysOfLedger).IsValid);
        Assert.Equal(reconciled.SignedEvent, System.Text.Encoding.UTF8.GetString(Platform.Crypto.Jose.StrictBase64Url.TryDecode(receipt.Entry)!));
        await InclusionsAsync(exportId, 2);
        var (_, status, _) = await platform.VaultAsync(HttpMethod.Get, statusUrl, researcher);
        Assert.Equal(reconciled.LeafIndex, status.GetProperty("leafIndex").GetInt64());
    }

    private async Task<ResearchExportRow> ExportAsync(Guid exportId, Func<ResearchExportRow, bool> condition, string what)
    {
        ResearchExportRow? row = null;
        await Eventually.TrueAsync(async () =>
        {
            using var scope = platform.Vault.Services.CreateScope();
            row = await scope.ServiceProvider.GetRequiredService<RecordVaultDbContext>().ResearchExports.AsNoTracking().SingleAsync(e => e.Id == exportId);
            return condition(row);
        }, what, TimeSpan.FromSeconds(30));
        return row!;
    }

    private async Task InclusionsAsync(Guid exportId, int count) => await Eventually.TrueAsync(async () =>
    {
        using var scope = platform.Consent.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().ResearchExportInclusions.CountAsync(i => i.ExportId == exportId) == count;
    }, $"the consent service recorded {count} participants of the export", TimeSpan.FromSeconds(30));
}
