namespace Platform.ServiceDefaults;

/// <summary><c>Authentication:SigningKeys:*</c>: how fresh a resource service keeps its copy of the issuer's signing keys.</summary>
public sealed class IssuerKeyRefreshOptions
{
    /// <summary>
    /// How often the JWKS is refetched regardless of traffic. Must stay below the identity service's
    /// <c>Identity:SigningKeys:PublishAhead</c> minus its <c>RefreshEvery</c> (10 and 1 minutes). Default 2 minutes.
    /// </summary>
    public TimeSpan RefreshEvery { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The least time between two fetches forced by a token with an unknown key id (JwtBearer's <c>RefreshInterval</c>,
    /// 5 minutes by default): short enough that an attacker's unknown key ids cannot hold off a fetch for long, and
    /// never longer than <see cref="RefreshEvery"/>, which would swallow the scheduled fetches.
    /// </summary>
    public TimeSpan UnknownKeyRefetchInterval =>
        RefreshEvery < TimeSpan.FromSeconds(30) ? (RefreshEvery < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : RefreshEvery) : TimeSpan.FromSeconds(30);
}
