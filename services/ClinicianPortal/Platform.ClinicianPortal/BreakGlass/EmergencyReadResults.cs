using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Platform.ClinicianPortal.Apis;
using StackExchange.Redis;

namespace Platform.ClinicianPortal.BreakGlass;

/// <summary>
/// Keeps what a break-glass read returned for a few minutes, so that the form can answer with a redirect to a page that
/// shows it (Post/Redirect/Get): reloading that page shows the record again without reading it again, so without a
/// second audited emergency access, a second notice to the patient or a second use of the clinician's emergency budget.
/// Each result is encrypted with the portal's Data Protection key ring and found only by the random key the redirect
/// names, and only by the clinician who read it. In memory for one process; in Redis when the portal has replicas
/// (the chart), filed under a hash of the key, as the session tickets are (<see cref="SignIn.RedisTickets"/>).
/// </summary>
public sealed class EmergencyReadResults
{
    /// <summary>How long the page after an emergency read can be reloaded; then the clinician reads again (audited again).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly IDataProtector _protector;
    private readonly TimeProvider _time;
    private readonly IConnectionMultiplexer? _redis;
    private readonly ConcurrentDictionary<string, (byte[] Payload, DateTimeOffset Until)> _memory = new(StringComparer.Ordinal);

    public EmergencyReadResults(IDataProtectionProvider dataProtection, TimeProvider time, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(dataProtection);
        _protector = dataProtection.CreateProtector("Platform.ClinicianPortal.EmergencyReads.v1");
        _time = time;
        _redis = services.GetService(typeof(IConnectionMultiplexer)) as IConnectionMultiplexer;
    }

    /// <summary>Keeps <paramref name="content"/> for <paramref name="clinician"/>; returns the key the result page is found by.</summary>
    public async Task<string> KeepAsync(string clinician, RecordContent content)
    {
        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var payload = _protector.Protect(JsonSerializer.SerializeToUtf8Bytes(new Kept(clinician, content)));
        if (_redis is not null)
        {
            await _redis.GetDatabase().StringSetAsync(RedisKey(key), payload, Lifetime);
            return key;
        }
        var now = _time.GetUtcNow();
        foreach (var (old, kept) in _memory)
        {
            if (kept.Until <= now)
            {
                _memory.TryRemove(old, out _);
            }
        }
        _memory[key] = (payload, now + Lifetime);
        return key;
    }

    /// <summary>The result kept under <paramref name="key"/> for this clinician, or null (unknown, expired, or another's).</summary>
    public async Task<RecordContent?> FindAsync(string clinician, string key)
    {
        byte[]? payload;
        if (_redis is not null)
        {
            payload = (byte[]?)await _redis.GetDatabase().StringGetAsync(RedisKey(key));
        }
        else
        {
            payload = _memory.TryGetValue(key, out var kept) && kept.Until > _time.GetUtcNow() ? kept.Payload : null;
        }
        if (payload is null)
        {
            return null;
        }
        try
        {
            var found = JsonSerializer.Deserialize<Kept>(_protector.Unprotect(payload));
            return found is not null && string.Equals(found.Clinician, clinician, StringComparison.Ordinal) ? found.Content : null;
        }
        catch (CryptographicException)
        {
            // Protected under a key the ring no longer has: as if expired.
            return null;
        }
    }

    private static RedisKey RedisKey(string key) =>
        "clinician-portal:emergency-read:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private sealed record Kept(string Clinician, RecordContent Content);
}
