namespace Platform.Identity.Oidc;

/// <summary>
/// One generation of the token-signing key. Each generation is its own key in the key provider
/// (<c>oidc-signing-{Number}</c>), so rotation works the same on an HSM, Key Vault or the software provider.
/// A new generation is published in the JWKS from <see cref="CreatedAt"/> but signs only from <see cref="ActivatesAt"/>
/// (staged in between), so every resource service has fetched it before the first token it signs arrives. The
/// generation it replaces signs until then (<see cref="RetiredAt"/>) and stays published until every token it signed has expired.
/// </summary>
public sealed class SigningKeyGeneration
{
    public int Number { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When it starts signing; null for generations that signed from their creation (the first, and rows from before staging).</summary>
    public DateTimeOffset? ActivatesAt { get; set; }

    /// <summary>When it stops (or stopped) signing; may lie in the future while its successor is staged.</summary>
    public DateTimeOffset? RetiredAt { get; set; }

    public string KeyName => KeyNameFor(Number);

    /// <summary>When this generation starts signing.</summary>
    public DateTimeOffset SignsFrom => ActivatesAt ?? CreatedAt;

    public static string KeyNameFor(int number) => $"oidc-signing-{number}";

    /// <summary>
    /// The generation's RS256 key, <c>oidc-signing-rsa-{Number}</c>: published, staged, active and retired together with
    /// the ES256 key, and used only for the ID tokens of clients registered with <c>id_token_signed_response_alg=RS256</c>.
    /// </summary>
    public static string RsaKeyNameFor(int number) => $"oidc-signing-rsa-{number}";
}
