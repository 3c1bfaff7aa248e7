namespace Platform.Identity.Kyc;

/// <summary>
/// The result of a command: the case after it and the audit entry of its transition. When
/// <see cref="Replayed"/> is true the command had already been applied: <see cref="Case"/> is the case unchanged,
/// <see cref="Entry"/> is the original entry, and the caller must store nothing.
/// </summary>
public sealed record KycCaseChange(KycCase Case, KycAuditEntry Entry, bool Replayed);
