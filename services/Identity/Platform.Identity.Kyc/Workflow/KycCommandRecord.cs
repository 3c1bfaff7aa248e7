namespace Platform.Identity.Kyc;

/// <summary>
/// An applied command remembered for idempotency: its id, a SHA-256 fingerprint of its payload (so a reused id
/// with a different payload is caught without storing the payload) and the version it produced.
/// </summary>
public sealed record KycCommandRecord(Guid CommandId, string Fingerprint, int Version);
