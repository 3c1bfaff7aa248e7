using System.Globalization;
using System.Text.Json;
using Platform.Consent.Core;

namespace Platform.Consent.Consents;

/// <summary>
/// Reads a version's canonical form (<see cref="ConsentHash.CanonicalForm"/>) back into a consent: v1 (read-only, no
/// actions field) or v2 (with its actions).
/// </summary>
public static class ConsentSnapshot
{
    public static PatientConsent Parse(string canonicalJson)
    {
        using var document = JsonDocument.Parse(canonicalJson);
        var root = document.RootElement;
        var format = root.GetProperty("format").GetString();
        if (!ConsentHash.IsKnownFormat(format))
        {
            throw new InvalidDataException("Not a consent snapshot of a known format.");
        }
        if (!GranteeKindCodes.TryParse(root.GetProperty("grantee").GetProperty("kind").GetString(), out var kind) ||
            !ConsentStatusCodes.TryParse(root.GetProperty("status").GetString(), out var status))
        {
            throw new InvalidDataException("The snapshot has an unknown grantee kind or status.");
        }
        var until = root.GetProperty("validUntil");
        var restored = PatientConsent.Restore(
            Guid.Parse(root.GetProperty("id").GetString()!),
            root.GetProperty("subject").GetString()!,
            new Grantee(kind.Value, root.GetProperty("grantee").GetProperty("id").GetString()!),
            root.GetProperty("categories").EnumerateArray().Select(e => e.GetString()!),
            root.GetProperty("purposes").EnumerateArray().Select(e => e.GetString()!),
            Time(root.GetProperty("validFrom")),
            until.ValueKind == JsonValueKind.Null ? null : Time(until),
            status.Value,
            root.GetProperty("version").GetInt32(),
            Time(root.GetProperty("createdAt")),
            Time(root.GetProperty("updatedAt")),
            format == ConsentHash.Format ? null : root.GetProperty("actions").EnumerateArray().Select(e => e.GetString()!));
        return restored.IsSuccess ? restored.Value! : throw new InvalidDataException("The snapshot breaks a consent rule: " + restored.Error!.Message);
    }

    private static DateTimeOffset Time(JsonElement value) =>
        DateTimeOffset.ParseExact(value.GetString()!, ConsentTimes.Format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
