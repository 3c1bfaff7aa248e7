namespace Platform.ServiceDefaults;

/// <summary>
/// The deny-list of access tokens the identity service revoked before their expiry (<c>identity.token-revoked</c>).
/// Token validation refuses a listed token; an entry is kept until the token's own expiry, after which <c>exp</c>
/// refuses it anyway.
/// </summary>
public interface IRevokedTokens
{
    /// <summary>The JWT claim naming the identity service's token entry (OpenIddict's token id), the deny-list key.</summary>
    public const string TokenIdClaim = "oi_tkn_id";

    /// <summary>The deny-list key of a token without an entry (client_credentials tokens since issue 18): its <c>jti</c>.</summary>
    public const string JwtIdClaim = "jti";

    /// <summary>The key a token is listed under: its entry id when it has one, else its <c>jti</c>.</summary>
    public static string? KeyOf(System.Security.Claims.ClaimsPrincipal? token) =>
        token?.FindFirst(TokenIdClaim)?.Value ?? token?.FindFirst(JwtIdClaim)?.Value;

    ValueTask AddAsync(string tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    ValueTask<bool> IsRevokedAsync(string tokenId, CancellationToken cancellationToken);
}
