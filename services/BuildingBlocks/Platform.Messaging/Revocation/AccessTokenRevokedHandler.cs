using Platform.Contracts.Events;
using Platform.ServiceDefaults;

namespace Platform.Messaging.Revocation;

/// <summary>Puts a token the identity service revoked on this service's deny-list until the token expires.</summary>
public sealed class AccessTokenRevokedHandler(IRevokedTokens revoked) : IIntegrationEventHandler<AccessTokenRevokedV1>
{
    public async Task<EventHandlingResult> HandleAsync(AccessTokenRevokedV1 integrationEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        if (string.IsNullOrEmpty(integrationEvent.TokenId))
        {
            return EventHandlingResult.Drop;
        }
        await revoked.AddAsync(integrationEvent.TokenId, integrationEvent.ExpiresAt, cancellationToken);
        return EventHandlingResult.Success;
    }
}
