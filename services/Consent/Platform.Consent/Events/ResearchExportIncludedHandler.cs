using Microsoft.EntityFrameworkCore;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.Consent.Research;
using Platform.Contracts.Events;
using Platform.Messaging;

namespace Platform.Consent.Events;

/// <summary>
/// Records, per opt-in, that a research export released its participant (the record vault's
/// <see cref="ResearchExportIncludedV1"/>), for the patient's <c>/my/research</c>. Only consent ids that are opt-ins
/// to the export's own study are kept: the vault cannot place a patient in a study they never joined. Where the study
/// offers compensation, the same save adds each participant's credit and its signed <c>research.credited</c> event
/// (<see cref="ResearchCredits"/>). Idempotent: a redelivered export adds neither rows nor credits.
/// </summary>
public sealed class ResearchExportIncludedHandler(ConsentDbContext db, ResearchCredits credits) : IIntegrationEventHandler<ResearchExportIncludedV1>
{
    public async Task<EventHandlingResult> HandleAsync(ResearchExportIncludedV1 integrationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        var grantee = StudyOptIn.GranteeOf(integrationEvent.StudyId);
        var kind = grantee.Kind.ToCode();
        var known = new HashSet<Guid>();
        // In slices: a large cohort's ids would not fit one IN list.
        foreach (var slice in integrationEvent.ConsentIds.Distinct().Chunk(1000))
        {
            known.UnionWith(await db.Consents.AsNoTracking()
                .Where(c => slice.Contains(c.Id) && c.GranteeId == grantee.Id && c.GranteeKind == kind)
                .Select(c => c.Id).ToListAsync(cancellationToken));
        }
        var recorded = (await db.ResearchExportInclusions.AsNoTracking().Where(i => i.ExportId == integrationEvent.ExportId)
            .Select(i => i.ConsentId).ToListAsync(cancellationToken)).ToHashSet();
        foreach (var consentId in known.Where(id => !recorded.Contains(id)))
        {
            db.ResearchExportInclusions.Add(new ResearchExportInclusionRow
            {
                ExportId = integrationEvent.ExportId,
                ConsentId = consentId,
                StudyId = integrationEvent.StudyId,
                ExportedAtMs = integrationEvent.ExportedAtMs,
                ManifestHash = integrationEvent.ManifestHash,
                LeafIndex = integrationEvent.LeafIndex,
            });
        }
        await credits.AddDueAsync(integrationEvent.ExportId, integrationEvent.StudyId, integrationEvent.ExportedAtMs, known, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return EventHandlingResult.Success;
    }
}
