using Microsoft.EntityFrameworkCore;
using Platform.Contracts.Events;
using Platform.Messaging;
using Platform.RecordVault.Data;

namespace Platform.RecordVault.Events;

/// <summary>Remembers every person whose KYC was approved: refused attempts on them are audited to the ledger.</summary>
public sealed class IdentityVerifiedHandler(RecordVaultDbContext db, TimeProvider time) : IIntegrationEventHandler<IdentityVerifiedV1>
{
    public async Task<EventHandlingResult> HandleAsync(IdentityVerifiedV1 integrationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        if (integrationEvent.Outcome != "approved" ||
            await db.KnownPatients.AnyAsync(k => k.Patient == integrationEvent.AccountPseudonym, cancellationToken))
        {
            return EventHandlingResult.Success;
        }
        db.KnownPatients.Add(new KnownPatientRow { Patient = integrationEvent.AccountPseudonym, SinceMs = time.GetUtcNow().ToUnixTimeMilliseconds() });
        await db.SaveChangesAsync(cancellationToken);
        return EventHandlingResult.Success;
    }
}
