namespace Platform.Identity.Verification;

/// <summary>
/// How a <see cref="KycEvidenceRow"/> was sealed, stored with the row so the format can change while old rows stay
/// readable. Both are AES-256-GCM under a fresh data key wrapped by <c>kyc-evidence-kek</c>
/// (<see cref="Platform.Crypto.Envelopes.DataKeyEnvelope"/>); only the associated data differs.
/// </summary>
public static class EvidenceFormat
{
    /// <summary>
    /// Written before format versions existed: associated data <c>"kyc-evidence-v1\n{case}\n{id}\n{kind}\n{content type}"</c>
    /// (UTF-8, newline-joined). Read only; <see cref="LegacyEvidenceResealer"/> moves such rows to <see cref="Current"/>.
    /// </summary>
    public const int NewlineJoined = 0;

    /// <summary>Length-prefixed associated data (<see cref="EvidenceCipher"/> documents the layout).</summary>
    public const int LengthPrefixed = 1;

    /// <summary>What new evidence is written with.</summary>
    public const int Current = LengthPrefixed;
}
