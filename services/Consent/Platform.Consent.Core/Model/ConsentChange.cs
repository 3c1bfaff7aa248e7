namespace Platform.Consent.Core;

/// <summary>
/// One change to a consent: the action and the full consent version it produced, with that version's hash.
/// The service stores these as the consent's history and signs one event per change; the projection replays them.
/// </summary>
/// <param name="Hash">
/// <see cref="ConsentHash.Compute"/> of <paramref name="Consent"/> when the change was made. Kept separately so that
/// a snapshot read back from storage can be checked against the hash that was signed.
/// </param>
public sealed record ConsentChange(ConsentAction Action, PatientConsent Consent, string Hash)
{
    /// <summary>
    /// True for a grant an admin made on the patient's behalf (proposed by one admin, approved by another). The
    /// signed event says so (<c>onBehalf</c>), so the ledger shows which consents the patient did not give themself.
    /// </summary>
    public bool OnBehalf { get; init; }

    public static ConsentChange Of(ConsentAction action, PatientConsent consent) =>
        new(action, consent, ConsentHash.Compute(consent));

    public Guid ConsentId => Consent.Id;

    public int Version => Consent.Version;

    /// <summary>The action the signed event names (<see cref="ConsentActionCodes.ToLedgerAction"/>).</summary>
    public string LedgerAction => Action.ToLedgerAction();
}
