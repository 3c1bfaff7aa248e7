using System.Text.Json;
using Platform.Crypto;

namespace Platform.SignedEvents;

/// <summary>Signs an event payload as a compact JWS with the service's ES256 key (kept in its HSM or vault).</summary>
public sealed class SignedEventWriter(ISigningKey key)
{
    public const string MediaType = "platform-event+jws";

    public async Task<string> SignAsync(SignedEventPayload payload, CancellationToken cancellationToken)
    {
        if (SignedEventRules.Check(payload) is { } broken)
        {
            throw new ArgumentException($"The event breaks a payload rule: {broken}.", nameof(payload));
        }
        var header = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["alg"] = KeyAlgorithms.ES256,
            ["typ"] = MediaType,
            ["kid"] = key.KeyId,
        });
        var body = JsonSerializer.SerializeToUtf8Bytes(payload, SignedEventJson.Options);
        return await key.SignCompactJwsAsync(header, body, cancellationToken);
    }
}
