using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Platform.ClinicianPortal.SignIn;
using Platform.Testing;
using StackExchange.Redis;

namespace Platform.Journey.Tests.ClinicianPortal;

/// <summary>
/// The portal's session tickets in a real Redis server, as the chart runs the portal (several replicas, one Redis):
/// a sign-in on one replica is found by another, the token is not readable in Redis, and the entry ends with the session.
/// </summary>
public sealed class RedisTicketsTests
{
    private const string AccessToken = "eyJhbGciOiJFUzI1NiJ9.portal-test-access-token.signature";

    [Fact]
    public async Task A_ticket_stored_by_one_replica_is_read_by_another_encrypted_and_expiring_with_the_session()
    {
        await using var server = new RedisServer();
        await server.InitializeAsync();
        using var redisA = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        using var redisB = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        using var replicaA = Replica(redisA);
        using var replicaB = Replica(redisB);
        var storeA = new RedisTickets(redisA, replicaA.GetRequiredService<IDataProtectionProvider>(), TimeProvider.System);
        var storeB = new RedisTickets(redisB, replicaB.GetRequiredService<IDataProtectionProvider>(), TimeProvider.System);

        var key = await storeA.StoreAsync(Ticket(DateTimeOffset.UtcNow.AddMinutes(5)));

        var found = await storeB.RetrieveAsync(key);
        Assert.NotNull(found);
        Assert.Equal("clinician-42", found.Principal.FindFirst("sub")?.Value);
        Assert.Equal(AccessToken, found.Properties.GetTokenValue("access_token"));

        // What Redis holds: one entry, not under the cookie's key, without the token in clear, ending with the session.
        var entries = server.Keys(redisA, "portal:tickets:*");
        var entry = Assert.Single(entries);
        Assert.DoesNotContain(key, entry.ToString(), StringComparison.Ordinal);
        var raw = (byte[])(await redisA.GetDatabase().StringGetAsync(entry))!;
        Assert.DoesNotContain(AccessToken, Encoding.UTF8.GetString(raw), StringComparison.Ordinal);
        var ttl = await redisA.GetDatabase().KeyTimeToLiveAsync(entry);
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));

        // Signing out on replica B forgets the session everywhere.
        await storeB.RemoveAsync(key);
        Assert.Null(await storeA.RetrieveAsync(key));
        Assert.Null(await storeA.RetrieveAsync("not-a-key"));
    }

    [Fact]
    public async Task A_ticket_whose_session_has_ended_is_not_stored_and_one_under_another_key_ring_is_not_read()
    {
        await using var server = new RedisServer();
        await server.InitializeAsync();
        using var redis = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        using var replica = Replica(redis);
        var store = new RedisTickets(redis, replica.GetRequiredService<IDataProtectionProvider>(), TimeProvider.System);

        var ended = await store.StoreAsync(Ticket(DateTimeOffset.UtcNow.AddSeconds(-1)));
        Assert.Null(await store.RetrieveAsync(ended));
        Assert.Empty(server.Keys(redis, "portal:tickets:*"));

        // A portal with another key ring (another application, or the ring lost) cannot decrypt: no session, no error.
        var key = await store.StoreAsync(Ticket(DateTimeOffset.UtcNow.AddMinutes(5)));
        using var stranger = Replica(redis, ringKey: "dataprotection:someone-else:keys");
        var strangers = new RedisTickets(redis, stranger.GetRequiredService<IDataProtectionProvider>(), TimeProvider.System);
        Assert.Null(await strangers.RetrieveAsync(key));
        Assert.NotNull(await store.RetrieveAsync(key));
    }

    /// <summary>One portal replica's Data Protection, its key ring in Redis as <c>RedisSetup</c> keeps it.</summary>
    private static ServiceProvider Replica(IConnectionMultiplexer redis, string ringKey = "dataprotection:clinician-portal:keys")
    {
        var services = new ServiceCollection();
        services.AddDataProtection().SetApplicationName("clinician-portal").PersistKeysToStackExchangeRedis(redis, ringKey);
        return services.BuildServiceProvider();
    }

    private static AuthenticationTicket Ticket(DateTimeOffset expires)
    {
        var identity = new ClaimsIdentity([new Claim("sub", "clinician-42"), new Claim("role", "clinician")], "portal", "name", "role");
        var properties = new AuthenticationProperties { ExpiresUtc = expires };
        properties.StoreTokens([new AuthenticationToken { Name = "access_token", Value = AccessToken }]);
        return new AuthenticationTicket(new ClaimsPrincipal(identity), properties, "portal");
    }
}

internal static class RedisServerKeys
{
    public static RedisKey[] Keys(this RedisServer _, IConnectionMultiplexer redis, string pattern) =>
        [.. redis.GetServers().Single().Keys(pattern: pattern)];
}
