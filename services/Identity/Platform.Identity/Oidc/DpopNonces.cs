using Microsoft.AspNetCore.DataProtection;

namespace Platform.Identity.Oidc;

/// <summary>
/// Server nonces for DPoP proofs at the token endpoint (RFC 9449 §8): stateless, time-limited Data Protection tokens, so
/// every replica sharing the key ring accepts the nonce another one issued, for <see cref="Lifetime"/>.
/// </summary>
public sealed class DpopNonces(IDataProtectionProvider dataProtection)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private const string Payload = "dpop-nonce";

    private readonly ITimeLimitedDataProtector _protector =
        dataProtection.CreateProtector("Platform.Identity.DpopNonce.v1").ToTimeLimitedDataProtector();

    public string Issue() => _protector.Protect(Payload, Lifetime);

    public bool IsValid(string? nonce)
    {
        if (string.IsNullOrEmpty(nonce) || nonce.Length > 512)
        {
            return false;
        }
        try
        {
            return _protector.Unprotect(nonce) == Payload;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
