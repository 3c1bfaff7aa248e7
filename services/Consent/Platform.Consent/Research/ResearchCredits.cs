using Microsoft.EntityFrameworkCore;
using Platform.Consent.Consents;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.Contracts.Events;
using Platform.Crypto;
using Platform.Messaging.Outbox;
using Platform.SignedEvents;

namespace Platform.Consent.Research;

/// <summary>
/// Credits the participants an export released with their study's compensation (docs/research.md, "Compensation"):
/// per export, each of them for this export; per participant, each patient once per study, at the first export that
/// includes them (a patient who stopped and joined again is still one participant). Each credit gets its own secret
/// and a <c>research.credited</c> event signed with the consent events' key, blinded under that secret, added to the
/// outbox. Adds to the caller's unit of work; the caller saves (with the export's inclusions).
/// </summary>
public sealed class ResearchCredits(ConsentDbContext db, IKeyProvider keys, TimeProvider time)
{
    private const string Source = "consent";

    /// <param name="optIns">The released participants' opt-ins, already checked to be opt-ins to this study.</param>
    public async Task AddDueAsync(Guid exportId, Guid studyId, long exportedAtMs, IReadOnlyCollection<Guid> optIns, CancellationToken cancellationToken)
    {
        if (optIns.Count == 0
            || await db.ResearchStudies.AsNoTracking().FirstOrDefaultAsync(s => s.Id == studyId, cancellationToken) is not { } row
            || row.ToStudy().Compensation is not { } compensation)
        {
            return;
        }
        var occasion = ResearchCredit.OccasionOf(compensation.Basis, exportId, studyId);
        var subjects = new Dictionary<Guid, string>();
        var credited = new HashSet<Guid>();
        foreach (var slice in optIns.Chunk(1000))
        {
            foreach (var consent in await db.Consents.AsNoTracking().Where(c => slice.Contains(c.Id))
                .Select(c => new { c.Id, c.Subject }).ToListAsync(cancellationToken))
            {
                subjects[consent.Id] = consent.Subject;
            }
            credited.UnionWith(await db.ResearchCredits.AsNoTracking().Where(c => c.Occasion == occasion && slice.Contains(c.ConsentId))
                .Select(c => c.ConsentId).ToListAsync(cancellationToken));
        }
        // Per participant: a patient already credited for the study under an earlier opt-in is not credited again.
        var creditedPatients = compensation.Basis == CompensationBasis.PerParticipant
            ? (await (from c in db.ResearchCredits.AsNoTracking()
                      join k in db.Consents.AsNoTracking() on c.ConsentId equals k.Id
                      where c.Occasion == studyId
                      select k.Subject).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal)
            : [];

        var due = optIns.Where(id => !credited.Contains(id) && subjects.ContainsKey(id)).OrderBy(id => id).ToList();
        if (due.Count == 0)
        {
            return;
        }
        var key = await keys.GetSigningKeyAsync(ConsentEventSigner.KeyName, cancellationToken);
        var writer = new SignedEventWriter(key);
        var now = time.GetUtcNow();
        foreach (var consentId in due)
        {
            var patient = subjects[consentId];
            if (compensation.Basis == CompensationBasis.PerParticipant && !creditedPatients.Add(patient))
            {
                continue;
            }
            var credit = new ResearchCredit(exportId, studyId, consentId, compensation.AmountMinor, compensation.Currency, compensation.Basis);
            var salt = LedgerBlinding.NewSalt();
            var eventId = Guid.NewGuid();
            var jws = await writer.SignAsync(ResearchCreditPayloads.For(credit, patient, salt, eventId, now), cancellationToken);
            var creditId = Guid.NewGuid();
            db.ResearchCredits.Add(new ResearchCreditRow
            {
                Id = creditId,
                ConsentId = consentId,
                StudyId = studyId,
                ExportId = exportId,
                Occasion = credit.Occasion,
                Basis = CompensationBasisCodes.ToCode(credit.Basis),
                AmountMinor = credit.AmountMinor,
                Currency = credit.Currency,
                ExportedAtMs = exportedAtMs,
                CreditedAtMs = now.ToUnixTimeMilliseconds(),
                LedgerSalt = salt,
                EventId = eventId,
                SignedEvent = jws,
            });
            db.AddIntegrationEvent(new ResearchCreditedV1(creditId, jws), Source);
        }
    }
}
