using Platform.Consent.Core;
using Platform.Crypto;
using Platform.SignedEvents;

namespace Platform.Consent.Consents;

/// <summary>Signs consent events (ES256, compact JWS) with the consent service's key <c>consent-events</c> from the key provider.</summary>
public sealed class ConsentEventSigner(IKeyProvider keys)
{
    public const string KeyName = "consent-events";

    /// <param name="salt">The consent's ledger secret: blinds the subject and salts the hash.</param>
    public async Task<(Guid EventId, string Jws, ConsentEventPayload Payload)> SignAsync(ConsentChange change, byte[] salt, DateTimeOffset issuedAt, CancellationToken cancellationToken)
    {
        var eventId = Guid.NewGuid();
        var key = await keys.GetSigningKeyAsync(KeyName, cancellationToken);
        var payload = ConsentEventPayloads.For(change, salt, eventId, issuedAt);
        var jws = await new SignedEventWriter(key).SignAsync(payload, cancellationToken);
        return (eventId, jws, payload);
    }
}
