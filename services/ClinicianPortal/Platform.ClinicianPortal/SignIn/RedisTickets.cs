using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using StackExchange.Redis;

namespace Platform.ClinicianPortal.SignIn;

/// <summary>
/// The session tickets in Redis, for a portal with several replicas (the chart's): any replica finds the ticket a
/// sign-in on another one stored. A ticket holds the clinician's access token, so it is encrypted with the portal's
/// Data Protection key ring (itself in Redis, shared by the replicas) and filed under a hash of the cookie's key:
/// reading Redis alone yields neither a token nor a usable cookie. Each entry expires with its session.
/// </summary>
public sealed class RedisTickets(IConnectionMultiplexer redis, IDataProtectionProvider dataProtection, TimeProvider time) : ITicketStore
{
    /// <summary>Upper bound of an entry's life when the ticket names no end (the portal's tickets always do).</summary>
    private static readonly TimeSpan FallbackLifetime = TimeSpan.FromHours(1);

    private readonly IDataProtector _protector = dataProtection.CreateProtector("Platform.ClinicianPortal.SessionTickets.v1");

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
        await RenewAsync(key, ticket);
        return key;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var lifetime = ticket.Properties.ExpiresUtc is { } end ? end - time.GetUtcNow() : FallbackLifetime;
        if (lifetime <= TimeSpan.Zero)
        {
            await RemoveAsync(key);
            return;
        }
        var payload = _protector.Protect(TicketSerializer.Default.Serialize(ticket));
        await redis.GetDatabase().StringSetAsync(RedisKey(key), payload, lifetime);
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        var payload = (byte[]?)await redis.GetDatabase().StringGetAsync(RedisKey(key));
        if (payload is null)
        {
            return null;
        }
        try
        {
            var ticket = TicketSerializer.Default.Deserialize(_protector.Unprotect(payload));
            return ticket?.Properties.ExpiresUtc is { } end && end <= time.GetUtcNow() ? null : ticket;
        }
        catch (CryptographicException)
        {
            // Protected under a key the ring no longer has (or altered): the session is gone, the clinician signs in again.
            return null;
        }
    }

    public Task RemoveAsync(string key) => redis.GetDatabase().KeyDeleteAsync(RedisKey(key));

    private static RedisKey RedisKey(string key) =>
        "portal:tickets:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
