namespace Platform.Consent.Data;

/// <summary>
/// A person whose KYC was approved (from <c>identity.verified</c>), removed when their credential is revoked
/// (<c>identity.revoked</c>). Access tokens say who someone is, not whether their identity was verified, so the
/// consent service keeps its own list: a research organisation's representative must be on it.
/// </summary>
public sealed class VerifiedPersonRow
{
    public string Subject { get; set; } = "";
    public string? AssuranceLevel { get; set; }
    public long SinceMs { get; set; }
}
