using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using Platform.Identity.Data;
using Platform.Identity.Oidc;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests;

/// <summary>
/// Issue 18: clients and scopes are shared across token requests for <c>Identity:EntityCacheLifetime</c> instead of
/// being read from the database on every request. A change made through the managers (the admin API, seeding) takes
/// effect at once; one made behind the service's back (another replica, a direct database edit) within the lifetime.
/// The caches run on a clock the tests move; everything else in the server keeps the real one.
/// </summary>
public sealed class ClientAndScopeCacheTests : IAsyncLifetime
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private IdentityServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await IdentityServer.StartAsync(
            new Dictionary<string, string?> { ["Identity:EntityCacheLifetime"] = Lifetime.ToString() },
            builder =>
            {
                builder.Services.AddSingleton(sp => new SharedEntitySnapshots<OpenIddictEntityFrameworkCoreApplication>(
                    sp.GetRequiredService<IOptions<OidcOptions>>(), _clock));
                builder.Services.AddSingleton(sp => new SharedEntitySnapshots<OpenIddictEntityFrameworkCoreScope>(
                    sp.GetRequiredService<IOptions<OidcOptions>>(), _clock));
            });
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_client_removed_behind_the_service_stops_getting_tokens_once_the_lifetime_has_passed()
    {
        Assert.Equal(HttpStatusCode.OK, (await ServiceTokenAsync()).Status);

        // As another replica (or an operator in the database) would: no manager, so nothing here hears of it.
        await using (var scope = _server.Service.Services.CreateAsyncScope())
        {
            var removed = await scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>()
                .Set<OpenIddictEntityFrameworkCoreApplication>().Where(a => a.ClientId == IdentityServer.ServiceClient).ExecuteDeleteAsync();
            Assert.Equal(1, removed);
        }
        // Still inside the lifetime: the shared copy answers (this is what saves the reads).
        _clock.Advance(Lifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await ServiceTokenAsync()).Status);

        _clock.Advance(TimeSpan.FromSeconds(1));
        var (status, body) = await ServiceTokenAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_client_removed_through_the_manager_stops_getting_tokens_at_once()
    {
        Assert.Equal(HttpStatusCode.OK, (await ServiceTokenAsync()).Status);

        await using (var scope = _server.Service.Services.CreateAsyncScope())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            await applications.DeleteAsync((await applications.FindByClientIdAsync(IdentityServer.ServiceClient))!);
        }

        var (status, body) = await ServiceTokenAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_changed_secret_stops_working_once_the_lifetime_has_passed()
    {
        Assert.Equal(HttpStatusCode.OK, (await ServiceTokenAsync()).Status);

        // Another replica rotates the secret: the stored hash changes in the database only.
        await using (var scope = _server.Service.Services.CreateAsyncScope())
        {
            var hash = await scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>()
                .Set<OpenIddictEntityFrameworkCoreApplication>().Where(a => a.ClientId == IdentityServer.ThirdPartyClient)
                .Select(a => a.ClientSecret).SingleAsync();
            await scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>()
                .Set<OpenIddictEntityFrameworkCoreApplication>().Where(a => a.ClientId == IdentityServer.ServiceClient)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.ClientSecret, hash));
        }

        _clock.Advance(Lifetime);
        var (status, body) = await ServiceTokenAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_scope_changed_behind_the_service_changes_the_audiences_once_the_lifetime_has_passed()
    {
        Assert.Equal(["consent", "ledger"], Audiences((await ServiceTokenAsync()).Body));

        await using (var scope = _server.Service.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>()
                .Set<OpenIddictEntityFrameworkCoreScope>().Where(s => s.Name == OidcScopes.LedgerSubmit)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Resources, "[\"ledger-elsewhere\"]"));
        }
        _clock.Advance(Lifetime - TimeSpan.FromSeconds(1));
        Assert.Equal(["consent", "ledger"], Audiences((await ServiceTokenAsync()).Body));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["consent", "ledger-elsewhere"], Audiences((await ServiceTokenAsync()).Body));
    }

    [Fact]
    public async Task A_scope_changed_through_the_manager_changes_the_audiences_at_once()
    {
        // The first token files the scope set's audiences as an answer (AudienceCachingScopeManager).
        Assert.Equal(["consent", "ledger"], Audiences((await ServiceTokenAsync()).Body));

        await using (var scope = _server.Service.Services.CreateAsyncScope())
        {
            var scopes = scope.ServiceProvider.GetRequiredService<IOpenIddictScopeManager>();
            var ledger = (await scopes.FindByNameAsync(OidcScopes.LedgerSubmit))!;
            var descriptor = new OpenIddictScopeDescriptor();
            await scopes.PopulateAsync(descriptor, ledger);
            descriptor.Resources.Clear();
            descriptor.Resources.Add("ledger-moved");
            await scopes.UpdateAsync(ledger, descriptor);
        }

        // No time has passed: only dropping the kept answer with the change can give the new audience.
        Assert.Equal(["consent", "ledger-moved"], Audiences((await ServiceTokenAsync()).Body));
    }

    [Fact]
    public void The_shared_copies_carry_every_column_of_clients_and_scopes()
    {
        using var scope = _server.Service.Services.CreateScope();
        var model = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>().Model;
        foreach (var (type, copied) in new[]
        {
            (typeof(OpenIddictEntityFrameworkCoreApplication), EntityCopy<OpenIddictEntityFrameworkCoreApplication>.Properties),
            (typeof(OpenIddictEntityFrameworkCoreScope), EntityCopy<OpenIddictEntityFrameworkCoreScope>.Properties),
        })
        {
            var columns = model.FindEntityType(type)!.GetProperties().Where(p => !p.IsShadowProperty()).Select(p => p.Name).Order().ToArray();
            Assert.NotEmpty(columns);
            Assert.Equal(columns, copied.Select(p => p.Name).Intersect(columns).Order().ToArray());
        }
    }

    private async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> ServiceTokenAsync()
    {
        using var session = new FormSession(_server.BaseAddress);
        return await new CodeFlow(session).TokenAsync(
            new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "consent.decide ledger.submit" },
            IdentityServer.ServiceClient, IdentityServer.ServiceSecret);
    }

    private static string[] Audiences(System.Text.Json.JsonElement body)
    {
        var aud = Jwt.Payload(body.GetProperty("access_token").GetString()!).GetProperty("aud");
        return (aud.ValueKind == System.Text.Json.JsonValueKind.Array ? aud.EnumerateArray().Select(a => a.GetString()!) : [aud.GetString()!])
            .Order(StringComparer.Ordinal).ToArray();
    }
}
