using Microsoft.Extensions.Configuration;
using Platform.Contracts.Events;
using Platform.ServiceDefaults;

namespace Platform.Messaging.Revocation;

/// <summary>Every service that validates the identity service's access tokens also hears which ones it revoked.</summary>
public static class TokenRevocationSetup
{
    public static EventBusBuilder AddTokenRevocations(this EventBusBuilder events, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(configuration);
        return !TokenValidationSetup.IsConfigured(configuration)
            ? events
            : events.AddSubscription<AccessTokenRevokedV1, AccessTokenRevokedHandler>();
    }
}
