using System.Security.Cryptography;
using Platform.Crypto;
using Platform.SignedEvents;

namespace Platform.Ledger.FaultHarness;

/// <summary>Valid consent events signed with the publisher key the replicas trust: a fresh id and fresh hashes each time.</summary>
public sealed class HarnessEvents(ISigningKey key)
{
    private readonly SignedEventWriter _writer = new(key);

    public async Task<(Guid EventId, string Jws)> NextAsync()
    {
        var payload = new ConsentEventPayload
        {
            EventId = Guid.NewGuid(),
            Issuer = "consent",
            IssuedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            Subject = "pseud-" + Guid.NewGuid().ToString("N")[..12],
            ConsentId = Guid.NewGuid(),
            ConsentVersion = 1,
            ConsentHash = Convert.ToHexStringLower(SHA256.HashData(Guid.NewGuid().ToByteArray())),
            Action = "grant",
        };
        return (payload.EventId, await _writer.SignAsync(payload, CancellationToken.None));
    }
}
