using System.Security.Cryptography;
using System.Text.Json;
using Platform.Contracts.CodeLists;

namespace Platform.Consent.Core;

/// <summary>
/// The fingerprint of one consent version that goes on the ledger: lowercase hex SHA-256 of its canonical form.
/// </summary>
/// <remarks>
/// The canonical form is compact JSON (no whitespace) written field by field in this fixed order:
/// <code>
/// {"format":"platform.consent.v1","id":"&lt;guid, lowercase, hyphenated&gt;","subject":"…",
///  "grantee":{"kind":"practitioner|organization","id":"…"},"categories":[…],"purposes":[…],
///  "validFrom":"…","validUntil":"…"|null,"status":"active|revoked|expired|suspended","version":n,
///  "createdAt":"…","updatedAt":"…"}
/// </code>
/// Sets are written in ordinal order; times as ISO 8601 UTC with milliseconds (<see cref="ConsentTimes.Format"/>,
/// e.g. <c>2025-03-01T09:30:00.000Z</c>), which is exact because consent times are whole milliseconds. Every value
/// is a Guid, a number, a time, a closed-list code or a pseudonym (A-Z a-z 0-9 _ -), so no value needs escaping and
/// JSON quoting keeps fields from running into each other. The format name is hashed too: a future format gets a
/// new name rather than silently changing what old hashes meant.
/// <para>
/// A consent that grants more than reading (<see cref="PatientConsent.Actions"/> other than just <c>access</c>) is
/// written as <c>platform.consent.v2</c>: the same form with <c>"actions":[…]</c> after <c>"purposes"</c>. A
/// read-only consent keeps the v1 form byte for byte, so every hash committed before actions existed still matches
/// its consent, and a v1 hash always means "read only".
/// </para>
/// </remarks>
public static class ConsentHash
{
    public const string Format = "platform.consent.v1";

    /// <summary>The form of a consent that grants more than <c>access</c>: v1 plus its actions.</summary>
    public const string FormatWithActions = "platform.consent.v2";

    public static bool IsKnownFormat(string? format) => format is Format or FormatWithActions;

    public static string Compute(PatientConsent consent) => Convert.ToHexStringLower(SHA256.HashData(CanonicalForm(consent)));

    /// <summary>Whether <paramref name="hash"/> is the hash of exactly this consent version (tamper check).</summary>
    public static bool Matches(PatientConsent consent, string? hash) => string.Equals(Compute(consent), hash, StringComparison.Ordinal);

    /// <summary>The UTF-8 bytes that are hashed.</summary>
    public static byte[] CanonicalForm(PatientConsent consent)
    {
        ArgumentNullException.ThrowIfNull(consent);
        using var buffer = new MemoryStream(512);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            var readOnly = ProvisionActions.IsDefault(consent.Actions);
            json.WriteStartObject();
            json.WriteString("format", readOnly ? Format : FormatWithActions);
            json.WriteString("id", consent.Id.ToString("D"));
            json.WriteString("subject", consent.SubjectPseudonym);
            json.WriteStartObject("grantee");
            json.WriteString("kind", consent.Grantee.Kind.ToCode());
            json.WriteString("id", consent.Grantee.Id);
            json.WriteEndObject();
            WriteSet(json, "categories", consent.Categories);
            WriteSet(json, "purposes", consent.Purposes);
            if (!readOnly)
            {
                WriteSet(json, "actions", consent.Actions);
            }
            json.WriteString("validFrom", ConsentTimes.ToText(consent.ValidFrom));
            if (consent.ValidUntil is { } end)
            {
                json.WriteString("validUntil", ConsentTimes.ToText(end));
            }
            else
            {
                json.WriteNull("validUntil");
            }
            json.WriteString("status", consent.Status.ToCode());
            json.WriteNumber("version", consent.Version);
            json.WriteString("createdAt", ConsentTimes.ToText(consent.CreatedAt));
            json.WriteString("updatedAt", ConsentTimes.ToText(consent.UpdatedAt));
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteSet(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        // Sorted here as well, so the form does not depend on the set's comparer.
        foreach (var value in values.Order(StringComparer.Ordinal))
        {
            json.WriteStringValue(value);
        }
        json.WriteEndArray();
    }
}
