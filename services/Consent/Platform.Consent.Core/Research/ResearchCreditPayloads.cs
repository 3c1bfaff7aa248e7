using Platform.SignedEvents;

namespace Platform.Consent.Core;

/// <summary>
/// Builds the <c>research.credited</c> payload for a credit, blinded under the credit's own secret
/// (<see cref="LedgerBlinding"/>): <c>subject</c> = the patient's blinded identifier, <c>creditHash</c> = HMAC of the
/// credit's canonical form. The ledger learns that the consent service credited someone, not whom, for which study or
/// export, or how much; the patient, given the secret, proves all of it.
/// </summary>
public static class ResearchCreditPayloads
{
    public static ResearchCreditEventPayload For(ResearchCredit credit, string subjectPseudonym, byte[] salt, Guid eventId, DateTimeOffset issuedAt)
    {
        ArgumentNullException.ThrowIfNull(credit);
        return new ResearchCreditEventPayload
        {
            EventId = eventId,
            Issuer = ConsentEventPayloads.Issuer,
            IssuedAt = issuedAt.ToUnixTimeSeconds(),
            Subject = LedgerBlinding.Identifier(salt, LedgerBlinding.SubjectRole, subjectPseudonym),
            CreditHash = LedgerBlinding.Hash(salt, credit.CanonicalForm()),
        };
    }

    /// <summary>Whether a committed payload is this credit of this patient under this secret (what an opening proves).</summary>
    public static bool Commits(ResearchCreditEventPayload payload, ResearchCredit credit, string subjectPseudonym, byte[] salt)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(credit);
        return string.Equals(payload.Subject, LedgerBlinding.Identifier(salt, LedgerBlinding.SubjectRole, subjectPseudonym), StringComparison.Ordinal)
            && string.Equals(payload.CreditHash, LedgerBlinding.Hash(salt, credit.CanonicalForm()), StringComparison.Ordinal);
    }
}
