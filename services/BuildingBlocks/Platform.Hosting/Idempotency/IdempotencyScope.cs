using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Hosting.Idempotency;

/// <summary>
/// Keys are scoped per caller: the record id hashes the caller (the token's <c>sub</c>, or <c>client_id</c> for a
/// service token) with the key, so one caller's key never meets another's, and a caller cannot look up another's
/// answer by guessing their key.
/// </summary>
public static class IdempotencyScope
{
    public static string? CallerOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated != true)
        {
            return null;
        }
        return user.FindFirst("sub")?.Value is { Length: > 0 } subject ? "sub:" + subject
            : user.FindFirst("client_id")?.Value is { Length: > 0 } client ? "client:" + client
            : null;
    }

    /// <summary>Hex SHA-256 over the length-prefixed caller and key (no separator that either could contain).</summary>
    public static string RecordId(string caller, string key)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(key);
        var text = $"{caller.Length}:{caller}{key.Length}:{key}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
