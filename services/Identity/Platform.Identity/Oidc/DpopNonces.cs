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

    /// <summary>How long one issued nonce is handed out before a new one is made; it stays valid for most of its lifetime after.</summary>
    public static readonly TimeSpan Renewal = TimeSpan.FromSeconds(30);

    private volatile IssuedNonce? _current;

    public string Issue() => _protector.Protect(Payload, Lifetime);

    /// <summary>
    /// The nonce every token response announces: the same one for <see cref="Renewal"/>, then a fresh one (issue 18:
    /// a Data Protection encryption per token response was a measurable share of the token endpoint's work, and a
    /// nonce shared by all clients for 30 s bounds pre-made proofs just as well, since any proof is checked against
    /// the nonce's own expiry).
    /// </summary>
    public string Current()
    {
        var now = Environment.TickCount64;
        var current = _current;
        if (current is null || now - current.IssuedAt >= (long)Renewal.TotalMilliseconds)
        {
            current = new IssuedNonce(Issue(), now);
            _current = current;
        }
        return current.Value;
    }

    private sealed record IssuedNonce(string Value, long IssuedAt);

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
