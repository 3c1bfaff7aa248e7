namespace Platform.Identity.Kyc;

/// <summary>
/// Submit (or, after a rejection, resubmit) evidence. <paramref name="EvidenceReference"/> is the opaque id of the
/// encrypted evidence bundle the service stored; the case never holds the evidence itself.
/// </summary>
public sealed record SubmitEvidenceCommand(Guid CommandId, int ExpectedVersion, string Actor, string EvidenceReference, EvidenceKinds Kinds);
