using Platform.Crypto;
using Platform.SignedEvents;

namespace Platform.Ledger.Tests;

/// <summary>Fresh, valid consent events signed with a given key: unique ids, pseudonyms and hashes every time.</summary>
public static class TestConsentEvents
{
    public static async Task<(string Jws, ConsentEventPayload Payload)> SignAsync(ISigningKey key, Guid? eventId = null)
    {
        var payload = new ConsentEventPayload
        {
            EventId = eventId ?? Guid.NewGuid(),
            Issuer = "consent",
            IssuedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            Subject = "pseud-" + Guid.NewGuid().ToString("N")[..12],
            ConsentId = Guid.NewGuid(),
            ConsentVersion = 1,
            ConsentHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray())),
            Action = "grant",
        };
        return (await new SignedEventWriter(key).SignAsync(payload, CancellationToken.None), payload);
    }
}
