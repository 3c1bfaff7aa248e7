using Microsoft.EntityFrameworkCore;
using Platform.Consent.Consents;
using Platform.Consent.Data;
using Platform.Contracts.Events;
using Platform.Messaging;

namespace Platform.Consent.Events;

/// <summary>
/// A revoked credential suspends every active consent granted to that person: they can no longer be trusted to read.
/// They are no longer a verified person either, so they cannot register or act for a research organisation.
/// </summary>
public sealed class IdentityRevokedHandler(ConsentDbContext db, ConsentCommands commands) : IIntegrationEventHandler<IdentityRevokedV1>
{
    public async Task<EventHandlingResult> HandleAsync(IdentityRevokedV1 integrationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        var active = await db.Consents.AsNoTracking()
            .Where(c => c.GranteeId == integrationEvent.SubjectPseudonym && c.Status == "active")
            .Select(c => c.Id)
            .ToListAsync(cancellationToken);
        foreach (var id in active)
        {
            await commands.SuspendAsync(id, "identity_revoked:" + integrationEvent.Reason, cancellationToken);
        }
        await db.VerifiedPeople.Where(p => p.Subject == integrationEvent.SubjectPseudonym).ExecuteDeleteAsync(cancellationToken);
        return EventHandlingResult.Success;
    }
}
