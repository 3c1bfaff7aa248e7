namespace Platform.SignedEvents;

/// <summary>
/// The payload types (the <c>type</c> member). v1 carries pseudonyms and plain SHA-256 hashes and stays valid, so
/// entries committed before v2 still verify; v2 (<c>.v2</c>) has the same members, blinded and salted.
/// </summary>
public static class SignedEventTypes
{
    public const string ConsentChanged = "consent.changed";
    public const string AccessRecorded = "access.recorded";
    public const string ConsentChangedBlinded = "consent.changed.v2";
    public const string AccessRecordedBlinded = "access.recorded.v2";

    /// <summary>A research export's manifest hash (docs/research.md, "The manifest on the ledger").</summary>
    public const string ResearchExported = "research.exported";

    /// <summary>A participant's compensation credit for a research export (docs/research.md, "Compensation").</summary>
    public const string ResearchCredited = "research.credited";

    public static string Of(SignedEventPayload payload) => payload switch
    {
        BlindedConsentEventPayload => ConsentChangedBlinded,
        BlindedAccessEventPayload => AccessRecordedBlinded,
        ResearchExportEventPayload => ResearchExported,
        ResearchCreditEventPayload => ResearchCredited,
        ConsentEventPayload => ConsentChanged,
        AccessEventPayload => AccessRecorded,
        _ => throw new ArgumentOutOfRangeException(nameof(payload), "Not a known signed event payload."),
    };
}
