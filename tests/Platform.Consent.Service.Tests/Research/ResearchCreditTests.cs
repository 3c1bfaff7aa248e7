using System.Buffers.Text;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Consent.Consents;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.Contracts.Events;
using Platform.Crypto;
using Platform.Identity.Testing;
using Platform.Ledger.Verification;
using Platform.Messaging;
using Platform.Messaging.Receipts;
using Platform.SignedEvents;
using Platform.Testing;
using static Platform.Consent.Service.Tests.Research.ResearchPeople;

namespace Platform.Consent.Service.Tests.Research;

/// <summary>
/// Compensation credits (docs/research.md, "Compensation"): the record vault's <c>research.export-included</c> — as the
/// consent service receives it — credits the released participants of a study that offers compensation, once per
/// study (per participant) or once per export (per export), never twice for a redelivered export; each credit is a
/// blinded <c>research.credited</c> event the real ledger commits, whose receipt verifies and whose entry names nobody.
/// </summary>
public sealed class ResearchCreditTests(ConsentPlatform platform) : IClassFixture<ConsentPlatform>
{
    private static readonly object PerParticipant = new { basis = "per-participant", amountMinor = 2500, currency = "EUR" };
    private static readonly object PerExport = new { basis = "per-export", amountMinor = 500, currency = "EUR" };

    [Fact]
    public async Task A_per_participant_study_credits_each_participant_once_whatever_the_exports_and_redeliveries()
    {
        var studyId = await StudyAsync(Study(compensation: PerParticipant));
        var (_, annConsent) = await OptInAsync(studyId);
        var (ben, benConsent) = await OptInAsync(studyId);
        var (_, cyrilConsent) = await OptInAsync(studyId);

        var first = await ExportAsync(studyId, [annConsent, benConsent]);
        await ExportAsync(studyId, [annConsent, benConsent], exportId: first); // the same export delivered again
        var second = await ExportAsync(studyId, [annConsent, benConsent, cyrilConsent]);
        // Ben stops and joins again: a new opt-in, but the same participant, already credited for taking part.
        var benToken = await platform.UserTokenAsync(ben);
        await platform.CallAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-out", benToken, new { });
        var (_, rejoined) = await platform.CallAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-in", benToken, new { });
        var benAgain = Guid.Parse(rejoined.GetProperty("id").GetString()!);
        await ExportAsync(studyId, [annConsent, benAgain, cyrilConsent]);

        var credits = await CreditsAsync(studyId);
        Assert.Equal(new[] { annConsent, benConsent, cyrilConsent }.Order(), credits.Select(c => c.ConsentId).Order());
        Assert.All(credits, c => Assert.Equal((2500L, "EUR", "per-participant", studyId), (c.AmountMinor, c.Currency, c.Basis, c.Occasion)));
        // Recorded at the first export that included them.
        Assert.Equal(first, credits.Single(c => c.ConsentId == annConsent).ExportId);
        Assert.Equal(first, credits.Single(c => c.ConsentId == benConsent).ExportId);
        Assert.Equal(second, credits.Single(c => c.ConsentId == cyrilConsent).ExportId);
        Assert.Equal(3, credits.Select(c => Convert.ToHexString(c.LedgerSalt)).Distinct().Count());
    }

    [Fact]
    public async Task A_per_export_study_credits_each_participant_in_every_export_once()
    {
        var studyId = await StudyAsync(Study(compensation: PerExport));
        var (_, annConsent) = await OptInAsync(studyId);
        var (_, benConsent) = await OptInAsync(studyId);

        var first = await ExportAsync(studyId, [annConsent, benConsent]);
        var second = await ExportAsync(studyId, [annConsent]);
        await ExportAsync(studyId, [annConsent], exportId: second); // redelivered
        await ExportAsync(studyId, [benConsent, annConsent], exportId: first); // redelivered, in another order

        var credits = await CreditsAsync(studyId);
        Assert.Equal(
            new[] { (first, annConsent), (first, benConsent), (second, annConsent) }.Order(),
            credits.Select(c => (c.ExportId, c.ConsentId)).Order());
        Assert.All(credits, c => Assert.Equal((500L, "EUR", "per-export", c.ExportId), (c.AmountMinor, c.Currency, c.Basis, c.Occasion)));
    }

    [Fact]
    public async Task A_study_without_compensation_and_an_id_that_is_no_opt_in_record_no_credit()
    {
        var unpaid = await StudyAsync(Study(withoutCompensation: true));
        var (_, unpaidConsent) = await OptInAsync(unpaid);
        var paid = await StudyAsync(Study(compensation: PerExport));
        var (_, paidConsent) = await OptInAsync(paid);

        // The unpaid study's export records the inclusion only; the paid study's export also names an opt-in to
        // another study and a made-up id: neither is credited.
        await ExportAsync(unpaid, [unpaidConsent]);
        var export = await ExportAsync(paid, [paidConsent, unpaidConsent, Guid.NewGuid()]);

        Assert.Empty(await CreditsAsync(unpaid));
        var credit = Assert.Single(await CreditsAsync(paid));
        Assert.Equal((export, paidConsent), (credit.ExportId, credit.ConsentId));
        using var scope = platform.Consent.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
        Assert.False(await db.ResearchCredits.AnyAsync(c => c.ConsentId == unpaidConsent));
    }

    [Fact]
    public async Task A_credit_is_committed_to_the_ledger_blinded_and_its_receipt_and_secret_prove_it()
    {
        var studyId = await StudyAsync(Study(compensation: PerExport));
        var (patient, consentId) = await OptInAsync(studyId);
        var first = await ExportAsync(studyId, [consentId]);
        var second = await ExportAsync(studyId, [consentId]);

        var credits = await CommittedCreditsAsync(studyId, 2);
        var keys = await platform.LedgerKeysAsync();
        var publicKey = (await platform.Consent.Services.GetRequiredService<IKeyProvider>().GetSigningKeyAsync(ConsentEventSigner.KeyName, CancellationToken.None)).GetPublicJwk();
        var subjects = new List<string>();
        foreach (var credit in credits)
        {
            var receipt = JsonSerializer.Deserialize<Receipt>(credit.Receipt!, JsonSerializerOptions.Web)!;
            var verified = ReceiptVerifier.Verify(receipt, keys);
            Assert.True(verified.IsValid, verified.Reason);
            Assert.Equal(credit.LeafIndex, receipt.LeafIndex);
            var entry = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(receipt.Entry));
            Assert.Equal(credit.SignedEvent, entry);

            // The ledger's own copy of the entry (auditors only) is the same signed event.
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/entries/{credit.LeafIndex}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ConsentPlatform.LedgerAuditToken);
            using var response = await platform.Ledger.Client.SendAsync(request);
            var stored = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signedEvent").GetString();
            Assert.Equal(credit.SignedEvent, stored);

            // Exactly the blinded members: nothing names the patient, the study, the export, the opt-in or the amount.
            var payload = Jwt.Payload(entry);
            Assert.Equal(["creditHash", "eventId", "issuedAt", "issuer", "subject", "type"],
                payload.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal(("research.credited", "consent", credit.EventId.ToString()),
                (payload.GetProperty("type").GetString(), payload.GetProperty("issuer").GetString(), payload.GetProperty("eventId").GetString()));
            // The currency and amount as JSON values, quoted or delimited: the hashes are base64url, and three letters
            // such as "EUR" turn up inside one by chance (a CI run of 5 Dec failed so, case-insensitively).
            var raw = payload.GetRawText();
            foreach (var secret in new[] { patient.Id, studyId.ToString("N"), studyId.ToString("D"), first.ToString("N"), first.ToString("D"),
                         second.ToString("N"), second.ToString("D"), consentId.ToString("N"), consentId.ToString("D"), "\"EUR\"", "\"500\"", ":500," })
            {
                Assert.DoesNotContain(secret, raw, StringComparison.OrdinalIgnoreCase);
            }
            subjects.Add(payload.GetProperty("subject").GetString()!);

            // The consent service's signature, a type its issuer may publish, every rule; and with the credit's secret
            // the patient (and whoever they show it to) proves what the entry hides.
            var validated = SignedEventValidator.Validate(entry, kid => kid == publicKey.Kid ? new PublisherKey("consent", publicKey) : null);
            Assert.True(validated.IsValid, validated.Reason);
            var typed = Assert.IsType<ResearchCreditEventPayload>(validated.Payload);
            var opened = new ResearchCredit(credit.ExportId, studyId, consentId, 500, "EUR", CompensationBasis.PerExport);
            Assert.True(ResearchCreditPayloads.Commits(typed, opened, patient.Id, credit.LedgerSalt));
            Assert.False(ResearchCreditPayloads.Commits(typed, opened with { AmountMinor = 5000 }, patient.Id, credit.LedgerSalt));
            Assert.False(ResearchCreditPayloads.Commits(typed, opened with { ExportId = credit.ExportId == first ? second : first }, patient.Id, credit.LedgerSalt));
            Assert.False(ResearchCreditPayloads.Commits(typed, opened, patient.Id + "x", credit.LedgerSalt));
        }
        // Two credits of one patient: two unrelated subjects (one secret each), so the ledger cannot link them.
        Assert.Equal(2, subjects.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task A_credit_whose_receipt_was_lost_gets_it_from_the_reconciler()
    {
        var studyId = await StudyAsync(Study(compensation: PerExport));
        var (_, consentId) = await OptInAsync(studyId);
        await ExportAsync(studyId, [consentId]);
        var credit = Assert.Single(await CommittedCreditsAsync(studyId, 1));

        // What a lost ledger.committed leaves: no receipt, recorded long enough ago for the reconciler to look.
        using (var scope = platform.Consent.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().ResearchCredits.Where(c => c.Id == credit.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Receipt, (string?)null).SetProperty(c => c.LeafIndex, (long?)null)
                    .SetProperty(c => c.CreditedAtMs, credit.CreditedAtMs - (long)TimeSpan.FromMinutes(2).TotalMilliseconds));
        }
        var report = await platform.Consent.Services.GetRequiredService<ReceiptReconciler<ConsentDbContext>>().RunOnceAsync(CancellationToken.None);

        Assert.True(report.Stored >= 1, $"stored {report.Stored}");
        var restored = Assert.Single(await CreditsAsync(studyId));
        Assert.Equal(credit.LeafIndex, restored.LeafIndex);
        var receipt = JsonSerializer.Deserialize<Receipt>(restored.Receipt!, JsonSerializerOptions.Web)!;
        Assert.True(ReceiptVerifier.Verify(receipt, await platform.LedgerKeysAsync()).IsValid);
    }

    private async Task<Guid> StudyAsync(object terms)
    {
        var reviewer = await ReviewerAsync(platform);
        var (organisation, representative) = await OrganisationAsync(platform, verifiedBy: reviewer);
        var (status, study) = await platform.CallAsync(HttpMethod.Post, $"/research/organisations/{organisation}/studies", representative, terms);
        Assert.Equal(System.Net.HttpStatusCode.Created, status);
        return Guid.Parse(study.GetProperty("id").GetString()!);
    }

    private async Task<(TestAccount Patient, Guid ConsentId)> OptInAsync(Guid studyId)
    {
        var (patient, token) = await platform.PatientAsync();
        var (status, consent) = await platform.CallAsync(HttpMethod.Post, $"/research/studies/{studyId}/opt-in", token, new { });
        Assert.Equal(System.Net.HttpStatusCode.Created, status);
        return (patient, Guid.Parse(consent.GetProperty("id").GetString()!));
    }

    /// <summary>Delivers the vault's event for an export (a fresh event each time, as a redelivery or a second publish is) and waits until it is handled.</summary>
    private async Task<Guid> ExportAsync(Guid studyId, Guid[] consentIds, Guid? exportId = null)
    {
        var id = exportId ?? Guid.NewGuid();
        var message = new ResearchExportIncludedV1(id, studyId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), new string('b', 64), 7, consentIds) { Source = "record-vault" };
        await platform.Broker.PublishAsync(EventSerializer.ToOutgoing(message));
        await Eventually.TrueAsync(async () =>
        {
            using var scope = platform.Consent.Services.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<ConsentDbContext>();
            return await db.Set<Platform.Messaging.Inbox.InboxEntry>().AnyAsync(e => e.EventId == message.Id);
        }, "the consent service handled the export's event");
        return id;
    }

    private async Task<List<ResearchCreditRow>> CreditsAsync(Guid studyId)
    {
        using var scope = platform.Consent.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ConsentDbContext>().ResearchCredits.AsNoTracking()
            .Where(c => c.StudyId == studyId).ToListAsync();
    }

    private async Task<List<ResearchCreditRow>> CommittedCreditsAsync(Guid studyId, int count)
    {
        List<ResearchCreditRow> credits = [];
        await Eventually.TrueAsync(async () =>
        {
            credits = await CreditsAsync(studyId);
            return credits.Count == count && credits.TrueForAll(c => c.Receipt is not null);
        }, "the credits' receipts came back from the ledger", TimeSpan.FromSeconds(30));
        return credits;
    }
}
