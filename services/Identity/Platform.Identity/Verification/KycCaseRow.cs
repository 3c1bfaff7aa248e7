using Platform.Identity.Kyc;
namespace Platform.Identity.Verification;

/// <summary>
/// A KYC case as stored: its workflow snapshot (states, audit, command ids — no personal data), the keyed
/// fingerprint of its document (HMAC; never the number), and the version that makes concurrent decisions fail.
/// </summary>
public sealed class KycCaseRow
{
    public Guid Id { get; set; }
    public string OwnerId { get; set; } = "";
    public string State { get; set; } = "";
    public int Version { get; set; }
    public string Snapshot { get; set; } = "";
    public string? Fingerprint { get; set; }
    public long UpdatedAtMs { get; set; }
}
