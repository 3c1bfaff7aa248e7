using Microsoft.EntityFrameworkCore;
using Platform.Consent.Data;
using Platform.Contracts.Events;
using Platform.Messaging;

namespace Platform.Consent.Events;

/// <summary>Remembers every person whose KYC was approved: only they may represent a research organisation.</summary>
public sealed class IdentityVerifiedHandler(ConsentDbContext db, TimeProvider time) : IIntegrationEventHandler<IdentityVerifiedV1>
{
    public async Task<EventHandlingResult> HandleAsync(IdentityVerifiedV1 integrationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        // A rejected case changes nothing: an earlier approval stands until the credential is revoked (identity.revoked).
        if (integrationEvent.Outcome != "approved")
        {
            return EventHandlingResult.Success;
        }
        var row = await db.VerifiedPeople.FirstOrDefaultAsync(p => p.Subject == integrationEvent.AccountPseudonym, cancellationToken);
        if (row is null)
        {
            db.VerifiedPeople.Add(new VerifiedPersonRow
            {
                Subject = integrationEvent.AccountPseudonym,
                AssuranceLevel = integrationEvent.AssuranceLevel,
                SinceMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            });
        }
        else
        {
            row.AssuranceLevel = integrationEvent.AssuranceLevel;
        }
        await db.SaveChangesAsync(cancellationToken);
        return EventHandlingResult.Success;
    }
}
