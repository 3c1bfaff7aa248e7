using System.Text.RegularExpressions;

namespace Platform.SignedEvents;

/// <summary>The value rules that keep payloads to pseudonyms, hashes and code values (checked on both sides).</summary>
public static partial class SignedEventRules
{
    /// <summary>Largest compact JWS accepted; real events are well under 2 KiB.</summary>
    public const int MaxJwsLength = 8 * 1024;

    public static readonly IReadOnlyDictionary<string, string[]> AllowedTypesByIssuer = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["consent"] = [SignedEventTypes.ConsentChanged, SignedEventTypes.ConsentChangedBlinded, SignedEventTypes.ResearchCredited],
        ["record-vault"] = [SignedEventTypes.AccessRecorded, SignedEventTypes.AccessRecordedBlinded, SignedEventTypes.ResearchExported],
    };

    public static readonly string[] ConsentActions = ["grant", "narrow", "revoke", "expire"];
    public static readonly string[] AccessActions = ["read", "write", "delete"];
    public static readonly string[] AccessOutcomes = ["permit", "deny", "break-glass"];

    [GeneratedRegex("^[A-Za-z0-9_-]{8,128}\\z", RegexOptions.CultureInvariant)]
    public static partial Regex Pseudonym();

    [GeneratedRegex("^[0-9a-f]{64}\\z", RegexOptions.CultureInvariant)]
    public static partial Regex Sha256Hex();

    /// <summary>Returns the first rule the payload breaks, or null.</summary>
    public static string? Check(SignedEventPayload payload) => payload switch
    {
        { EventId: var id } when id == Guid.Empty => "eventId is empty",
        { IssuedAt: <= 0 } => "issuedAt is not a positive Unix time",
        _ when !Pseudonym().IsMatch(payload.Subject) => "subject is not a pseudonymous id (8-128 of A-Z a-z 0-9 _ -)",
        ConsentEventPayload c when c.ConsentId == Guid.Empty => "consentId is empty",
        ConsentEventPayload c when c.ConsentVersion < 1 => "consentVersion must be 1 or more",
        ConsentEventPayload c when !Sha256Hex().IsMatch(c.ConsentHash) => "consentHash is not lowercase hex SHA-256",
        ConsentEventPayload c when !ConsentActions.Contains(c.Action) => $"action must be one of {string.Join(", ", ConsentActions)}",
        ConsentEventPayload c when c.OnBehalf && c.Action != "grant" => "onBehalf marks a grant only",
        AccessEventPayload a when !Pseudonym().IsMatch(a.Actor) => "actor is not a pseudonymous id",
        AccessEventPayload a when !Sha256Hex().IsMatch(a.RecordHash) => "recordHash is not lowercase hex SHA-256",
        AccessEventPayload a when a.DecisionId == Guid.Empty => "decisionId is empty",
        AccessEventPayload a when !AccessActions.Contains(a.Action) => $"action must be one of {string.Join(", ", AccessActions)}",
        AccessEventPayload a when !AccessOutcomes.Contains(a.Outcome) => $"outcome must be one of {string.Join(", ", AccessOutcomes)}",
        ResearchExportEventPayload r when !ResearchExport().IsMatch(r.Subject) => "subject of a research export is export-<32 hex>",
        ResearchExportEventPayload r when !Sha256Hex().IsMatch(r.ManifestHash) => "manifestHash is not lowercase hex SHA-256",
        ResearchCreditEventPayload c when !BlindedIdentifier().IsMatch(c.Subject) => "subject of a research credit is a blinded identifier (43 base64url characters)",
        ResearchCreditEventPayload c when !Sha256Hex().IsMatch(c.CreditHash) => "creditHash is not lowercase hex HMAC-SHA256",
        _ => null,
    };

    /// <summary>
    /// A blinded identifier (<see cref="LedgerBlinding.Identifier"/>: base64url of an HMAC-SHA256, 43 characters). A
    /// <c>research.credited</c> subject must have this shape (account ids, 32 hex, do not); whether it is blinded
    /// cannot be checked without the credit's secret.
    /// </summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{43}\\z", RegexOptions.CultureInvariant)]
    public static partial Regex BlindedIdentifier();

    /// <summary>The subject of a <c>research.exported</c> event: the export's own random id, never a patient's or a study's.</summary>
    [GeneratedRegex("^export-[0-9a-f]{32}\\z", RegexOptions.CultureInvariant)]
    public static partial Regex ResearchExport();
}
