using Platform.SignedEvents;

namespace Platform.Consent.Core;

/// <summary>
/// Builds the signed-event payload for a consent change: ids, the pseudonymous subject, the version, its hash and
/// the ledger action, and whether an admin granted it on the patient's behalf. Nothing else about the consent (grantee, categories, purposes) leaves the service; the hash
/// commits to all of it.
/// </summary>
public static class ConsentEventPayloads
{
    /// <summary>The issuer the ledger expects for consent events.</summary>
    public const string Issuer = "consent";

    /// <param name="change">The change the event records.</param>
    /// <param name="eventId">Unique per event; the ledger commits an event id once, so a retry reuses it.</param>
    /// <param name="issuedAt">When the event is issued; written as Unix seconds.</param>
    public static ConsentEventPayload For(ConsentChange change, Guid eventId, DateTimeOffset issuedAt)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new ConsentEventPayload
        {
            EventId = eventId,
            Issuer = Issuer,
            IssuedAt = issuedAt.ToUnixTimeSeconds(),
            Subject = change.Consent.SubjectPseudonym,
            ConsentId = change.ConsentId,
            ConsentVersion = change.Version,
            ConsentHash = change.Hash,
            Action = change.LedgerAction,
            OnBehalf = change.OnBehalf,
        };
    }
}
