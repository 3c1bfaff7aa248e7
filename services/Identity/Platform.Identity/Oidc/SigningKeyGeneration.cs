namespace Platform.Identity.Oidc;

/// <summary>
/// One generation of the token-signing key. Each generation is its own key in the key provider
/// (<c>oidc-signing-{Number}</c>), so rotation works the same on an HSM, Key Vault or the software provider.
/// The newest unretired generation signs; retired ones stay in the JWKS until every token they signed has expired.
/// </summary>
public sealed class SigningKeyGeneration
{
    public int Number { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RetiredAt { get; set; }

    public string KeyName => KeyNameFor(Number);

    public static string KeyNameFor(int number) => $"oidc-signing-{number}";
}
