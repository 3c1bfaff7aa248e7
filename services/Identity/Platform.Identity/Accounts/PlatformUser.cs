using Microsoft.AspNetCore.Identity;

namespace Platform.Identity.Accounts;

/// <summary>
/// An account. The id is a random 32-hex-digit value that doubles as the person's pseudonymous subject (<c>sub</c>):
/// other services and the ledger only ever see this id, never the e-mail address or name.
/// </summary>
public sealed class PlatformUser : IdentityUser
{
    public PlatformUser()
    {
        Id = Guid.NewGuid().ToString("N");
        SecurityStamp = Guid.NewGuid().ToString("N");
    }

    /// <summary>Display name shown on pages and released in the <c>name</c> claim with the <c>profile</c> scope.</summary>
    public string? DisplayName { get; set; }

    /// <summary>Professional licence identifier; clinicians only.</summary>
    public string? LicenceNumber { get; set; }

    /// <summary>When an admin (or a KYC approval) activated this clinician; clinicians get no tokens before that.</summary>
    public DateTimeOffset? ClinicianActivatedAt { get; set; }

    /// <summary>Who activated the clinician: an admin's subject id, or <c>kyc</c>.</summary>
    public string? ClinicianActivatedBy { get; set; }

    /// <summary>The TOTP shared secret, encrypted with Data Protection (never stored in clear).</summary>
    public string? ProtectedTotpSecret { get; set; }

    /// <summary>The last TOTP time step accepted; a code for this step or an earlier one is refused (no replay).</summary>
    public long LastTotpTimeStep { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
