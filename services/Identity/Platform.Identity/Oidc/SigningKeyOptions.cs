namespace Platform.Identity.Oidc;

/// <summary><c>Identity:SigningKeys:*</c>: how often the token-signing key rotates and how the ring is kept fresh.</summary>
public sealed class SigningKeyOptions
{
    /// <summary>A new generation is created when the active one is this old. Default 90 days.</summary>
    public TimeSpan RotateEvery { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often each replica re-reads the ring, so a rotation on one replica reaches the others.</summary>
    public TimeSpan RefreshEvery { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a new generation is published in the JWKS before it signs. It must exceed <see cref="RefreshEvery"/>
    /// (every identity replica publishes it) plus the resource services' JWKS refresh period
    /// (<c>Authentication:SigningKeys:RefreshEvery</c>, 2 minutes), so that no resource service meets a token signed
    /// with a key it has not fetched. Default 10 minutes.
    /// </summary>
    public TimeSpan PublishAhead { get; set; } = TimeSpan.FromMinutes(10);
}
