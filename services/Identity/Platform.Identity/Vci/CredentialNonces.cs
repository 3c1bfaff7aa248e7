using Microsoft.EntityFrameworkCore;
using Platform.Identity.Data;

namespace Platform.Identity.Vci;

/// <summary>
/// The <c>c_nonce</c>s of the nonce endpoint: unpredictable (32 random bytes), valid for <see cref="Lifetime"/>, and
/// usable by one proof only. They live in the identity database so every replica agrees on which are spent.
/// </summary>
public sealed class CredentialNonces(IdentityServiceDbContext db, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public async Task<string> IssueAsync(CancellationToken cancellationToken)
    {
        var nonce = Digest.RandomToken();
        var now = time.GetUtcNow();
        // Spent and expired nonces go as new ones come, so the table stays as small as the traffic of five minutes.
        await db.Set<CredentialNonceRow>().Where(n => n.ExpiresAtMs < now.ToUnixTimeMilliseconds()).ExecuteDeleteAsync(cancellationToken);
        db.Set<CredentialNonceRow>().Add(new CredentialNonceRow { NonceHash = Digest.Of(nonce), ExpiresAtMs = (now + Lifetime).ToUnixTimeMilliseconds() });
        await db.SaveChangesAsync(cancellationToken);
        return nonce;
    }

    /// <summary>True once for a nonce this service issued less than <see cref="Lifetime"/> ago; false for anything else.</summary>
    public async Task<bool> TryConsumeAsync(string? nonce, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(nonce) || nonce.Length > 128)
        {
            return false;
        }
        var hash = Digest.Of(nonce);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        // One statement: of two requests racing with the same nonce, exactly one deletes the row.
        return await db.Set<CredentialNonceRow>().Where(n => n.NonceHash == hash && n.ExpiresAtMs >= now).ExecuteDeleteAsync(cancellationToken) == 1;
    }
}
