using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults.Dpop;
using StackExchange.Redis;

namespace Platform.ClinicianPortal.SignIn;

/// <summary>
/// The portal's DPoP key (<see cref="DpopProofKey"/>, a DI singleton that owns it). Replicas sharing sessions through
/// Redis share the key too, since any replica may call the APIs with a token another one obtained: the first replica
/// stores a new key in Redis (<c>SET NX</c>), encrypted with the Data Protection key ring the replicas already share;
/// every replica uses the stored one. Without Redis (one process) the key is new at every start and never stored.
/// </summary>
public static class PortalDpopKey
{
    public const string RedisKey = "portal:dpop-key";

    private const string Purpose = "Platform.ClinicianPortal.DpopKey.v1";

    public static DpopProofKey Create(IServiceProvider services)
    {
        var redis = services.GetService<IConnectionMultiplexer>();
        if (redis is null)
        {
            return new DpopProofKey();
        }
        var protector = services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
        var database = redis.GetDatabase();
        using (var candidate = new DpopProofKey())
        {
            // Only the first replica's SET succeeds; the others read what it stored.
            database.StringSet(RedisKey, protector.Protect(candidate.ExportPkcs8()), when: When.NotExists);
        }
        var stored = (byte[]?)database.StringGet(RedisKey)
            ?? throw new InvalidOperationException($"Redis lost {RedisKey} right after it was written.");
        return DpopProofKey.ImportPkcs8(protector.Unprotect(stored));
    }
}
