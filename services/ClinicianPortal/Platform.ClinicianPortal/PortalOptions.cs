namespace Platform.ClinicianPortal;

/// <summary>
/// <c>Portal:*</c>: where the identity service (<c>Authentication:Authority</c>), the consent service and the record
/// vault are, and the portal's OpenID Connect client (public, code + PKCE; <c>clinician-portal</c> by default).
/// </summary>
public sealed class PortalOptions
{
    public string ClientId { get; set; } = "clinician-portal";

    public Uri? ConsentUrl { get; set; }

    public Uri? RecordVaultUrl { get; set; }

    /// <summary>How long a signed-in session lasts without use; the access token's own lifetime still bounds every API call.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(1);
}
