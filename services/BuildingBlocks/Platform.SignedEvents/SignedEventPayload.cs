using System.Text.Json.Serialization;

namespace Platform.SignedEvents;

/// <summary>
/// What a signed event says. Only these fields exist: ids, pseudonyms, hashes and small code values, so nothing
/// that identifies a person or describes their health can reach the ledger. A payload with any other field is
/// refused.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(ConsentEventPayload), SignedEventTypes.ConsentChanged)]
[JsonDerivedType(typeof(AccessEventPayload), SignedEventTypes.AccessRecorded)]
[JsonDerivedType(typeof(BlindedConsentEventPayload), SignedEventTypes.ConsentChangedBlinded)]
[JsonDerivedType(typeof(BlindedAccessEventPayload), SignedEventTypes.AccessRecordedBlinded)]
[JsonDerivedType(typeof(ResearchExportEventPayload), SignedEventTypes.ResearchExported)]
[JsonDerivedType(typeof(ResearchCreditEventPayload), SignedEventTypes.ResearchCredited)]
public abstract record SignedEventPayload
{
    /// <summary>Unique per event; the ledger commits an event id once.</summary>
    [JsonPropertyName("eventId")]
    [JsonRequired]
    public Guid EventId { get; init; }

    /// <summary>The publishing service (<c>consent</c>, <c>record-vault</c>).</summary>
    [JsonPropertyName("issuer")]
    [JsonRequired]
    public string Issuer { get; init; } = "";

    /// <summary>Unix time in seconds.</summary>
    [JsonPropertyName("issuedAt")]
    [JsonRequired]
    public long IssuedAt { get; init; }

    /// <summary>
    /// The patient the event concerns: their pseudonym in v1 events; in v2 (blinded) events an HMAC of it under the
    /// event's secret (<see cref="LedgerBlinding"/>), so entries of one patient cannot be linked.
    /// </summary>
    [JsonPropertyName("subject")]
    [JsonRequired]
    public string Subject { get; init; } = "";
}

/// <summary>A consent was granted, narrowed, revoked or expired.</summary>
public record ConsentEventPayload : SignedEventPayload
{
    [JsonPropertyName("consentId")]
    [JsonRequired]
    public Guid ConsentId { get; init; }

    [JsonPropertyName("consentVersion")]
    [JsonRequired]
    public int ConsentVersion { get; init; }

    /// <summary>Lowercase hex SHA-256 of the consent's canonical form.</summary>
    [JsonPropertyName("consentHash")]
    [JsonRequired]
    public string ConsentHash { get; init; } = "";

    /// <summary>grant, narrow, revoke or expire.</summary>
    [JsonPropertyName("action")]
    [JsonRequired]
    public string Action { get; init; } = "";

    /// <summary>
    /// <c>true</c> when admins granted the consent on the patient's behalf (one proposed, a second approved); left out
    /// otherwise, so every event written before this field existed reads as it did.
    /// </summary>
    [JsonPropertyName("onBehalf")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool OnBehalf { get; init; }
}

/// <summary>A record was read, written or deleted, or access to it was refused or forced (break-glass).</summary>
public record AccessEventPayload : SignedEventPayload
{
    /// <summary>Pseudonymous id of whoever asked.</summary>
    [JsonPropertyName("actor")]
    [JsonRequired]
    public string Actor { get; init; } = "";

    /// <summary>Lowercase hex SHA-256 of the record version's ciphertext.</summary>
    [JsonPropertyName("recordHash")]
    [JsonRequired]
    public string RecordHash { get; init; } = "";

    [JsonPropertyName("decisionId")]
    [JsonRequired]
    public Guid DecisionId { get; init; }

    /// <summary>read, write or delete.</summary>
    [JsonPropertyName("action")]
    [JsonRequired]
    public string Action { get; init; } = "";

    /// <summary>permit, deny or break-glass.</summary>
    [JsonPropertyName("outcome")]
    [JsonRequired]
    public string Outcome { get; init; } = "";
}

/// <summary>
/// <c>consent.changed.v2</c>: the members of <see cref="ConsentEventPayload"/>, but <c>subject</c> is blinded and
/// <c>consentHash</c> is salted, both under the consent's own secret (<see cref="LedgerBlinding"/>), which only the
/// consent service and the patient hold.
/// </summary>
public sealed record BlindedConsentEventPayload : ConsentEventPayload;

/// <summary>
/// <c>access.recorded.v2</c>: the members of <see cref="AccessEventPayload"/>, but <c>subject</c> and <c>actor</c>
/// are blinded and <c>recordHash</c> is salted under a secret of this one event, which only the vault and the
/// patient hold.
/// </summary>
public sealed record BlindedAccessEventPayload : AccessEventPayload;

/// <summary>
/// <c>research.exported</c>: the record vault made a de-identified research export. <c>subject</c> is
/// <c>export-&lt;the export's random id, 32 hex&gt;</c>; <c>manifestHash</c> is the SHA-256 of the manifest's bytes (which
/// list the files' SHA-256, the study, the consent set's hash, the rules' version and the time). The manifest itself
/// stays with the vault and the researchers: the ledger learns neither the study nor any participant.
/// </summary>
public sealed record ResearchExportEventPayload : SignedEventPayload
{
    [JsonPropertyName("manifestHash")]
    [JsonRequired]
    public string ManifestHash { get; init; } = "";
}

/// <summary>
/// <c>research.credited</c>: the consent service credited a research participant with a study's compensation for an
/// export. Blinded like a v2 consent event, under a secret of this one credit: <c>subject</c> is the patient's
/// blinded identifier (<see cref="LedgerBlinding.Identifier"/>) and <c>creditHash</c> the HMAC of the credit's
/// canonical form (export, study, opt-in, amount, currency, basis). No pseudonym, study, export or amount is in clear,
/// and two credits of one patient cannot be linked without their secrets, which only the consent service and the
/// patient hold.
/// </summary>
public sealed record ResearchCreditEventPayload : SignedEventPayload
{
    [JsonPropertyName("creditHash")]
    [JsonRequired]
    public string CreditHash { get; init; } = "";
}
