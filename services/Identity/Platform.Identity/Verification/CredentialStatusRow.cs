using Platform.Identity.Kyc;
namespace Platform.Identity.Verification;

/// <summary>One issued credential's slot in the status list: whose it is and whether it has been revoked.</summary>
public sealed class CredentialStatusRow
{
    /// <summary>The credential's index in the status list (its <c>status.status_list.idx</c>).</summary>
    public int Index { get; set; }
    public string OwnerId { get; set; } = "";
    public Guid CaseId { get; set; }
    public bool Revoked { get; set; }
    public long IssuedAtMs { get; set; }
    public long? RevokedAtMs { get; set; }

    /// <summary>OpenID4VCI <c>notification_id</c> given to the wallet with this credential (null for other routes).</summary>
    public string? NotificationId { get; set; }

    /// <summary>The last notification event the wallet sent (<c>credential_accepted</c>, <c>credential_failure</c>, <c>credential_deleted</c>).</summary>
    public string? WalletEvent { get; set; }
}
