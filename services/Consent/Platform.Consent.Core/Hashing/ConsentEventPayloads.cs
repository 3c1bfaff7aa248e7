using Platform.SignedEvents;

namespace Platform.Consent.Core;

/// <summary>
/// Builds the signed-event payload for a consent change: ids, the subject, the version, its hash, the ledger
/// action and whether an admin granted it on the patient's behalf. Nothing else about the consent (grantee,
/// categories, purposes) leaves the service; the hash commits to all of it. Events are v2 (<c>consent.changed.v2</c>):
/// the subject is blinded and the hash salted with the consent's own secret (<see cref="LedgerBlinding"/>), so the
/// ledger neither links a patient's consents nor lets anyone brute-force the few possible canonical forms behind a hash.
/// </summary>
public static class ConsentEventPayloads
{
    /// <summary>The issuer the ledger expects for consent events.</summary>
    public const string Issuer = "consent";

    /// <param name="change">The change the event records.</param>
    /// <param name="eventId">Unique per event; the ledger commits an event id once, so a retry reuses it.</param>
    /// <param name="issuedAt">When the event is issued; written as Unix seconds.</param>
    /// <param name="salt">The consent's ledger secret (<see cref="LedgerBlinding.SaltSize"/> bytes).</param>
    public static ConsentEventPayload For(ConsentChange change, byte[] salt, Guid eventId, DateTimeOffset issuedAt)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new BlindedConsentEventPayload
        {
            EventId = eventId,
            Issuer = Issuer,
            IssuedAt = issuedAt.ToUnixTimeSeconds(),
            Subject = LedgerBlinding.Identifier(salt, LedgerBlinding.SubjectRole, change.Consent.SubjectPseudonym),
            ConsentId = change.ConsentId,
            ConsentVersion = change.Version,
            ConsentHash = CommittedHash(change.Consent, salt),
            Action = change.LedgerAction,
            OnBehalf = change.OnBehalf,
        };
    }

    /// <summary>The hash a v2 event commits to: HMAC-SHA256 of the canonical form under the consent's secret.</summary>
    public static string CommittedHash(PatientConsent consent, byte[] salt) => LedgerBlinding.Hash(salt, ConsentHash.CanonicalForm(consent));

    /// <summary>Whether a committed event's hash is this consent version's: salted (v2) or the plain SHA-256 of v1.</summary>
    public static bool Commits(ConsentEventPayload payload, PatientConsent consent, byte[]? salt)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return payload is BlindedConsentEventPayload
            ? salt is not null && string.Equals(CommittedHash(consent, salt), payload.ConsentHash, StringComparison.Ordinal)
              && string.Equals(LedgerBlinding.Identifier(salt, LedgerBlinding.SubjectRole, consent.SubjectPseudonym), payload.Subject, StringComparison.Ordinal)
            : ConsentHash.Matches(consent, payload.ConsentHash) && string.Equals(consent.SubjectPseudonym, payload.Subject, StringComparison.Ordinal);
    }
}
