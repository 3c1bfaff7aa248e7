using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Consent.Consents;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.Consent.Events;
using Platform.Crypto.Jose;
using Platform.Ledger.Verification;
using Platform.Messaging.Receipts;
using Platform.Testing;

namespace Platform.Consent.Service.Tests;

/// <summary>
/// Receipt reconciliation (issue 25): a consent version whose receipt never came back gets it from the ledger; one whose
/// signed event the ledger never received is sent again and then gets its receipt.
/// </summary>
public sealed class ReceiptReconciliationTests(ConsentPlatform platform) : IClassFixture<ConsentPlatform>
{
    private static readonly TimeSpan LongAgo = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_receipt_that_never_came_back_is_fetched_from_the_ledger_and_verifies()
    {
        var row = await GrantWithReceiptAsync("clinician-lost-receipt");
        await UpdateAsync(row.EventId, v =>
        {
            v.Receipt = null;
            v.LeafIndex = null;
            v.ChangedAtMs -= (long)LongAgo.TotalMilliseconds;
        });
        Assert.True((await BacklogAsync()).Count >= 1);

        var report = await Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.True(report.Stored >= 1, $"stored {report.Stored}");
        var stored = await RowAsync(row.EventId);
        Assert.Equal(row.LeafIndex, stored.LeafIndex);
        await AssertVerifiesAsync(stored);
    }

    [Fact]
    public async Task A_signed_event_the_ledger_never_received_is_republished_and_gets_its_receipt()
    {
        var row = await GrantWithReceiptAsync("clinician-never-sent");
        // A version whose signed event never reached the ledger: signed anew (new event id), with no receipt.
        Guid neverSent;
        using (var scope = platform.Consent.Services.CreateScope())
        {
            var signer = scope.ServiceProvider.GetRequiredService<ConsentEventSigner>();
            var change = ConsentChange.Of(ConsentAction.Grant, ConsentSnapshot.Parse(row.Snapshot));
            var (eventId, jws, _) = await signer.SignAsync(change, row.LedgerSalt!, DateTimeOffset.UtcNow - LongAgo, CancellationToken.None);
            neverSent = eventId;
            var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
            await db.ConsentVersions.Where(v => v.EventId == row.EventId).ExecuteUpdateAsync(s => s
                .SetProperty(v => v.EventId, eventId).SetProperty(v => v.SignedEvent, jws)
                .SetProperty(v => v.Receipt, (string?)null).SetProperty(v => v.LeafIndex, (long?)null)
                .SetProperty(v => v.ChangedAtMs, row.ChangedAtMs - (long)LongAgo.TotalMilliseconds));
        }
        var health = await platform.Consent.Client.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Matches("^[1-9][0-9]* signed event\\(s\\) await a ledger receipt; the oldest for [0-9]+ s\\.$",
            health.GetProperty("checks").GetProperty("receipts").GetProperty("description").GetString());

        var report = await Reconciler.RunOnceAsync(CancellationToken.None);
        Assert.Equal(1, report.Republished);

        await Eventually.TrueAsync(async () => (await RowAsync(neverSent)).Receipt is not null, "the republished event's receipt arrived", TimeSpan.FromSeconds(30));
        await AssertVerifiesAsync(await RowAsync(neverSent));
        // A second round finds nothing to send again.
        Assert.Equal(0, (await Reconciler.RunOnceAsync(CancellationToken.None)).Republished);
    }

    private ReceiptReconciler<ConsentDbContext> Reconciler => platform.Consent.Services.GetRequiredService<ReceiptReconciler<ConsentDbContext>>();

    private async Task<ConsentVersionRow> GrantWithReceiptAsync(string grantee)
    {
        var (_, token) = await platform.PatientAsync();
        var (_, created) = await platform.CallAsync(HttpMethod.Post, "/consents", token, new
        {
            grantee = new { kind = "practitioner", id = grantee },
            categories = new[] { "observation" },
            purposes = new[] { "TREAT" },
        });
        var id = Guid.Parse(created.GetProperty("id").GetString()!);
        ConsentVersionRow? row = null;
        await Eventually.TrueAsync(async () =>
        {
            using var scope = platform.Consent.Services.CreateScope();
            row = await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().ConsentVersions.AsNoTracking().SingleAsync(v => v.ConsentId == id);
            return row.Receipt is not null;
        }, "the grant's receipt arrived", TimeSpan.FromSeconds(30));
        return row!;
    }

    private async Task UpdateAsync(Guid eventId, Action<ConsentVersionRow> change)
    {
        using var scope = platform.Consent.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        change(await db.ConsentVersions.SingleAsync(v => v.EventId == eventId));
        await db.SaveChangesAsync();
    }

    private async Task<ConsentVersionRow> RowAsync(Guid eventId)
    {
        using var scope = platform.Consent.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().ConsentVersions.AsNoTracking().SingleAsync(v => v.EventId == eventId);
    }

    private async Task<ReceiptBacklog> BacklogAsync()
    {
        using var scope = platform.Consent.Services.CreateScope();
        // The consent versions' holder: the service holds research credits too (a second IReceiptHolder).
        return await scope.ServiceProvider.GetServices<IReceiptHolder>().OfType<ConsentReceiptHolder>().Single().BacklogAsync(CancellationToken.None);
    }

    private async Task AssertVerifiesAsync(ConsentVersionRow row)
    {
        var receipt = JsonSerializer.Deserialize<Receipt>(row.Receipt!, JsonSerializerOptions.Web)!;
        Assert.Equal(row.LeafIndex, receipt.LeafIndex);
        var result = ReceiptVerifier.Verify(receipt, await platform.LedgerKeysAsync());
        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(row.SignedEvent, System.Text.Encoding.UTF8.GetString(StrictBase64Url.TryDecode(receipt.Entry)!));
    }
}
