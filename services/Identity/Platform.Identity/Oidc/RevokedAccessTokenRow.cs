namespace Platform.Identity.Oidc;

/// <summary>
/// An access token revoked before its expiry that has no token entry of its own (a client_credentials token, see
/// <see cref="UnstoredServiceTokens"/>), keyed by its <c>jti</c>. Introspection answers <c>active: false</c> for it;
/// the row can go once the token has expired.
/// </summary>
public sealed class RevokedAccessTokenRow
{
    /// <summary>The token's <c>jti</c> claim (a random GUID OpenIddict puts in every access token).</summary>
    public string TokenId { get; set; } = "";

    public long ExpiresAtMs { get; set; }

    public long RevokedAtMs { get; set; }
}
