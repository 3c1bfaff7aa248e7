using Platform.Consent.Core;
using Platform.Crypto;
using Platform.SignedEvents;

namespace Platform.Consent.Consents;

/// <summary>Signs consent events (ES256, compact JWS) with the consent service's key <c>consent-events</c> from the key provider.</summary>
public sealed class ConsentEventSigner(IKeyProvider keys)
{
    public const string KeyName = "consent-events";

    public async Task<(Guid EventId, string Jws)> SignAsync(ConsentChange change, DateTimeOffset issuedAt, CancellationToken cancellationToken)
    {
        var eventId = Guid.NewGuid();
        var key = await keys.GetSigningKeyAsync(KeyName, cancellationToken);
        var jws = await new SignedEventWriter(key).SignAsync(ConsentEventPayloads.For(change, eventId, issuedAt), cancellationToken);
        return (eventId, jws);
    }
}
