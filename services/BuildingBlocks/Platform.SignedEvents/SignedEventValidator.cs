using System.Text.Json;
using Platform.Crypto.Jose;

namespace Platform.SignedEvents;

/// <summary>
/// Decides whether a signed event may enter the ledger: size, JWS shape, ES256 with a registered publisher key,
/// a payload of exactly the contract's fields, an issuer allowed to publish that type, and every value rule.
/// Deterministic for the same registry, so every replica reaches the same verdict.
/// </summary>
public static class SignedEventValidator
{
    /// <param name="jws">The compact JWS.</param>
    /// <param name="findKey">Looks up a registered publisher key by kid.</param>
    /// <param name="signatureAlreadyVerified">
    /// True only when this very string passed validation against the same (append-only) key registry moments ago,
    /// so the costly signature check need not run twice; every other check still runs.
    /// </param>
    public static SignedEventValidation Validate(string jws, Func<string, PublisherKey?> findKey, bool signatureAlreadyVerified = false)
    {
        if (jws.Length > SignedEventRules.MaxJwsLength)
        {
            return SignedEventValidation.Invalid("too_large", $"The signed event is {jws.Length} characters; at most {SignedEventRules.MaxJwsLength} are accepted.");
        }
        if (CompactJws.TryParse(jws) is not { Signature: not null } parts)
        {
            return SignedEventValidation.Invalid("malformed_jws", "The signed event is not a compact JWS (three base64url parts).");
        }
        JwsHeader? header;
        try
        {
            header = JsonSerializer.Deserialize<JwsHeader>(parts.Header);
        }
        catch (JsonException)
        {
            header = null;
        }
        if (header is null || header.Alg != "ES256" || header.Typ != SignedEventWriter.MediaType || string.IsNullOrEmpty(header.Kid))
        {
            return SignedEventValidation.Invalid("malformed_jws", $"The JWS header must name alg ES256, typ {SignedEventWriter.MediaType} and a kid.");
        }
        if (findKey(header.Kid) is not { } key)
        {
            return SignedEventValidation.Invalid("unknown_key", $"No publisher key is registered with kid '{header.Kid}'.");
        }
        if (!signatureAlreadyVerified && !parts.VerifiesWith(key.Verifier))
        {
            return SignedEventValidation.Invalid("bad_signature", "The signature does not verify with the registered key.");
        }

        SignedEventPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<SignedEventPayload>(parts.Payload, SignedEventJson.Options);
        }
        catch (JsonException ex)
        {
            return SignedEventValidation.Invalid("malformed_payload", "The payload is not a known event with exactly its contract's fields: " + (ex.Path ?? "(root)") + ".");
        }
        catch (NotSupportedException)
        {
            return SignedEventValidation.Invalid("malformed_payload", "The payload names no known event type.");
        }
        if (payload is null)
        {
            return SignedEventValidation.Invalid("malformed_payload", "The payload is empty.");
        }
        if (payload.Issuer != key.Issuer)
        {
            return SignedEventValidation.Invalid("issuer_mismatch", $"The payload says issuer '{payload.Issuer}' but the key belongs to '{key.Issuer}'.");
        }
        var type = SignedEventTypes.Of(payload);
        if (!SignedEventRules.AllowedTypesByIssuer.TryGetValue(key.Issuer, out var allowed) || !allowed.Contains(type))
        {
            return SignedEventValidation.Invalid("type_not_allowed", $"'{key.Issuer}' may not publish {type} events.");
        }
        return SignedEventRules.Check(payload) is { } broken
            ? SignedEventValidation.Invalid("rule_violation", $"The payload breaks a rule: {broken}.")
            : SignedEventValidation.Valid(payload);
    }

    private sealed record JwsHeader(
        [property: System.Text.Json.Serialization.JsonPropertyName("alg")] string? Alg,
        [property: System.Text.Json.Serialization.JsonPropertyName("typ")] string? Typ,
        [property: System.Text.Json.Serialization.JsonPropertyName("kid")] string? Kid);
}
