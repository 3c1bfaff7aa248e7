using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Platform.Crypto.Jose;

namespace Platform.Ledger.Verification;

/// <summary>
/// Checks that a receipt's entry, a v2 signed event whose identifiers are blinded and whose hashes are salted, is
/// about what an <see cref="Opening"/> says: HMAC-SHA256 under the opening's salt turns the patient's pseudonym into
/// the entry's <c>subject</c>, the consent's canonical form into its <c>consentHash</c> (and the form names the
/// entry's consent and version), or the actor and record hash into the entry's <c>actor</c> and <c>recordHash</c>.
/// Written from docs/ledger-receipts.md alone, apart from the code that blinds, so each checks the other. It does not
/// check the receipt's inclusion (<see cref="ReceiptVerifier"/>) nor the publisher's signature on the entry.
/// </summary>
public static class OpeningVerifier
{
    private const string IdentifierLabel = "platform.ledger.id.v1";

    public static VerificationResult Verify(Receipt receipt, Opening opening)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(opening);
        if (opening.Format != Opening.CurrentFormat)
        {
            return VerificationResult.Invalid($"Opening format '{opening.Format}' is not supported (expected {Opening.CurrentFormat}).");
        }
        if (StrictBase64Url.TryDecode(opening.Salt) is not { Length: 32 } salt)
        {
            return VerificationResult.Invalid("The opening's salt is not 32 bytes of base64url.");
        }
        if (Payload(receipt) is not { } payload)
        {
            return VerificationResult.Invalid("The receipt's entry is not a compact JWS with a JSON payload.");
        }
        var type = Text(payload, "type");
        if (type is not ("consent.changed.v2" or "access.recorded.v2"))
        {
            return VerificationResult.Invalid($"The entry is a '{type}' event, not a blinded (v2) one; v1 entries carry their values in clear.");
        }
        if (Text(payload, "subject") != Identifier(salt, "subject", opening.Subject))
        {
            return VerificationResult.Invalid("The entry's subject is not the opening's patient blinded with its salt.");
        }
        switch (type)
        {
            case "consent.changed.v2":
                if (opening.CanonicalForm is not { } form)
                {
                    return VerificationResult.Invalid("A consent event's opening needs canonicalForm.");
                }
                if (Text(payload, "consentHash") != Hex(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(form))))
                {
                    return VerificationResult.Invalid("The entry's consentHash is not the salted hash of the opening's canonical form.");
                }
                if (!NamesConsent(form, payload, opening.Subject))
                {
                    return VerificationResult.Invalid("The canonical form is of another consent, version or patient than the entry.");
                }
                return VerificationResult.Valid($"The entry is consent {Text(payload, "consentId")} version {Number(payload, "consentVersion")} of {opening.Subject}, as the opening states.");
            case "access.recorded.v2":
                if (opening.Actor is null || opening.RecordHash is null)
                {
                    return VerificationResult.Invalid("An access event's opening needs actor and recordHash.");
                }
                if (Text(payload, "actor") != Identifier(salt, "actor", opening.Actor))
                {
                    return VerificationResult.Invalid("The entry's actor is not the opening's actor blinded with its salt.");
                }
                byte[] recordHash;
                try
                {
                    recordHash = Convert.FromHexString(opening.RecordHash);
                }
                catch (FormatException)
                {
                    return VerificationResult.Invalid("The opening's recordHash is not hex.");
                }
                if (Text(payload, "recordHash") != Hex(HMACSHA256.HashData(salt, recordHash)))
                {
                    return VerificationResult.Invalid("The entry's recordHash is not the salted hash of the opening's record hash.");
                }
                return VerificationResult.Valid($"The entry is a {Text(payload, "action")} ({Text(payload, "outcome")}) by {opening.Actor} on a record of {opening.Subject}, as the opening states.");
            default:
                return VerificationResult.Invalid($"The entry is a '{type}' event, not a blinded (v2) one; v1 entries carry their values in clear.");
        }
    }

    private static bool NamesConsent(string form, JsonElement payload, string subject)
    {
        try
        {
            using var document = JsonDocument.Parse(form);
            var root = document.RootElement;
            return root.GetProperty("id").GetString() == Text(payload, "consentId")
                && root.GetProperty("version").GetInt64() == Number(payload, "consentVersion")
                && root.GetProperty("subject").GetString() == subject;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    private static JsonElement? Payload(Receipt receipt)
    {
        if (StrictBase64Url.TryDecode(receipt.Entry) is not { } entry)
        {
            return null;
        }
        var parts = Encoding.ASCII.GetString(entry).Split('.');
        if (parts.Length != 3 || StrictBase64Url.TryDecode(parts[1]) is not { } payload)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var n) ? n : null;

    private static string Identifier(byte[] salt, string role, string id) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes($"{IdentifierLabel}\n{role}\n{id}")));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
