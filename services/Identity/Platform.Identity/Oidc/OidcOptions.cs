namespace Platform.Identity.Oidc;

/// <summary><c>Identity:*</c>: the provider's public issuer URL and token lifetimes.</summary>
public sealed class OidcOptions
{
    /// <summary>Public issuer URL (e.g. <c>https://id.example.org/</c>); required outside the dev host and tests.</summary>
    public Uri? Issuer { get; set; }

    /// <summary>Allow plain HTTP (dev host and tests on loopback only).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>
    /// Five minutes: resource services refuse a revoked token as soon as <c>identity.token-revoked</c> reaches them,
    /// and this bounds the exposure when that event is late (the broker down). Shorter would make the services'
    /// client-credentials tokens (refetched a minute before expiry) and clinicians' refreshes more frequent for little gain.
    /// </summary>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan IdentityTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan AuthorizationCodeLifetime { get; set; } = TimeSpan.FromMinutes(2);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// How long a rotated refresh token may still be redeemed (lost responses). Zero means any reuse of a
    /// rotated refresh token is treated as theft and revokes the whole family.
    /// </summary>
    public TimeSpan RefreshTokenReuseLeeway { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// Whether each client_credentials access token gets a token entry in the database. Off by default (issue 18:
    /// the write per token was the token endpoint's bottleneck); revocation and introspection work either way
    /// (<see cref="UnstoredServiceTokens"/>).
    /// </summary>
    public bool StoreClientCredentialsAccessTokens { get; set; }

    /// <summary>
    /// Whether a plain client_credentials request (HTTP Basic, <c>grant_type</c> and <c>scope</c> only, no DPoP) from a
    /// client already in the snapshots is answered before OpenIddict's pipeline (<see cref="ServiceTokenFromSnapshot"/>;
    /// issue 18). The token and the answer are the same either way; off, every request goes through OpenIddict. Not
    /// used while <see cref="StoreClientCredentialsAccessTokens"/> is on.
    /// </summary>
    public bool ServiceTokensFromSnapshot { get; set; } = true;

    /// <summary>
    /// How long a client or scope read from the database is reused by later requests (issue 18: OpenIddict read the
    /// client at least twice and the scopes once on every token request). A client or scope removed or changed through
    /// this service's managers (admin API, seeding) is dropped at once; one changed behind its back (another replica,
    /// a direct database edit) stops being honoured after at most this long. Zero reads the database every time.
    /// </summary>
    public TimeSpan EntityCacheLifetime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a retired signing key stays published: the longest signed token lifetime plus clock skew.</summary>
    public TimeSpan RetiredKeyPublication =>
        (AccessTokenLifetime > IdentityTokenLifetime ? AccessTokenLifetime : IdentityTokenLifetime) + TimeSpan.FromMinutes(5);
}
