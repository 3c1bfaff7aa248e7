using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Events;
using Platform.Messaging;
using Platform.RecordVault.Data;

namespace Platform.RecordVault.Events;

/// <summary>
/// The identity service revoked a person's credentials (identity.revoked): the patient portal tells the person, who
/// may not know (a stolen document reported by someone else, a decision of a reviewer). The consent service handles
/// the same event for what the person may read; here it only becomes a notice.
/// </summary>
public sealed class IdentityRevokedHandler(RecordVaultDbContext db) : IIntegrationEventHandler<IdentityRevokedV1>
{
    public async Task<EventHandlingResult> HandleAsync(IdentityRevokedV1 integrationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        // The inbox already drops redeliveries; the id check keeps a replayed event from failing on the key.
        if (await db.PatientNotices.AnyAsync(n => n.Id == integrationEvent.Id, cancellationToken))
        {
            return EventHandlingResult.Success;
        }
        db.PatientNotices.Add(new PatientNoticeRow
        {
            Id = integrationEvent.Id,
            Patient = integrationEvent.SubjectPseudonym,
            Kind = PatientNoticeRow.CredentialRevoked,
            Code = integrationEvent.Reason.Length > 64 ? integrationEvent.Reason[..64] : integrationEvent.Reason,
            AtMs = integrationEvent.OccurredAt.ToUnixTimeMilliseconds(),
        });
        await db.SaveChangesAsync(cancellationToken);
        return EventHandlingResult.Success;
    }
}
