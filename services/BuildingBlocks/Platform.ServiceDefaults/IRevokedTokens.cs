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

    ValueTask AddAsync(string tokenId, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    ValueTask<bool> IsRevokedAsync(string tokenId, CancellationToken cancellationToken);
}
