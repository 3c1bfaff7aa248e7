namespace Platform.Identity.Vci;

/// <summary>
/// A <c>c_nonce</c> handed out by the nonce endpoint, kept as a digest until it is used once or expires. Deleting the
/// row is how a proof consumes it, so a replayed proof (or a second proof with the same nonce) finds nothing.
/// </summary>
public sealed class CredentialNonceRow
{
    /// <summary>base64url SHA-256 of the nonce.</summary>
    public string NonceHash { get; set; } = "";

    public long ExpiresAtMs { get; set; }
}
