using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;
using Platform.Identity.Data;
using Platform.Identity.Oidc;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests;

/// <summary>
/// Client secrets are stored as HMAC-SHA256 under a server key, never in clear; hashes OpenIddict wrote with PBKDF2
/// keep verifying and are re-stored in the keyed form on their first successful use.
/// </summary>
public sealed class ClientSecretHashTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private IdentityServer Server => fixture.Server;

    [Fact]
    public async Task A_registered_secret_is_stored_as_a_keyed_hash_and_not_in_clear()
    {
        var stored = await StoredSecretAsync(IdentityServer.ThirdPartyClient);

        Assert.StartsWith(KeyedClientSecretApplicationManager.Prefix, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(IdentityServer.ThirdPartySecret, stored, StringComparison.Ordinal);
        // The hash is keyed: an unkeyed SHA-256 of the secret is not what is stored.
        var unkeyed = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(IdentityServer.ThirdPartySecret)));
        Assert.NotEqual(KeyedClientSecretApplicationManager.Prefix + unkeyed, stored);
    }

    [Fact]
    public async Task A_pbkdf2_hash_still_verifies_refuses_a_wrong_secret_and_is_upgraded_on_first_use()
    {
        await StorePbkdf2HashAsync(IdentityServer.ServiceClient, IdentityServer.ServiceSecret);
        var legacy = await StoredSecretAsync(IdentityServer.ServiceClient);
        Assert.False(legacy.StartsWith(KeyedClientSecretApplicationManager.Prefix, StringComparison.Ordinal), legacy);

        var (wrongStatus, wrongBody) = await ClientCredentialsAsync(IdentityServer.ServiceClient, "not-the-service-secret-0123456789abcdef");
        Assert.True(wrongStatus is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, wrongStatus.ToString());
        Assert.Equal("invalid_client", wrongBody.GetProperty("error").GetString());
        Assert.Equal(legacy, await StoredSecretAsync(IdentityServer.ServiceClient));

        var (status, body) = await ClientCredentialsAsync(IdentityServer.ServiceClient, IdentityServer.ServiceSecret);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.TryGetProperty("access_token", out _));
        var upgraded = await StoredSecretAsync(IdentityServer.ServiceClient);
        Assert.StartsWith(KeyedClientSecretApplicationManager.Prefix, upgraded, StringComparison.Ordinal);

        // And the upgraded hash verifies the same secret (and only it) from then on.
        Assert.Equal(HttpStatusCode.OK, (await ClientCredentialsAsync(IdentityServer.ServiceClient, IdentityServer.ServiceSecret)).Status);
        var (afterStatus, afterBody) = await ClientCredentialsAsync(IdentityServer.ServiceClient, IdentityServer.ServiceSecret + "x");
        Assert.True(afterStatus is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, afterStatus.ToString());
        Assert.Equal("invalid_client", afterBody.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_keyed_hash_that_was_tampered_with_verifies_nothing()
    {
        const string client = IdentityServer.ServiceClient;
        var stored = await StoredSecretAsync(client);
        Assert.StartsWith(KeyedClientSecretApplicationManager.Prefix, stored, StringComparison.Ordinal);
        var bytes = Convert.FromBase64String(stored[KeyedClientSecretApplicationManager.Prefix.Length..]);
        bytes[0] ^= 1;
        await WithManagerAsync(client, async (manager, application) =>
        {
            application.ClientSecret = KeyedClientSecretApplicationManager.Prefix + Convert.ToBase64String(bytes);
            await manager.UpdateAsync(application);
        });
        try
        {
            var (status, body) = await ClientCredentialsAsync(client, IdentityServer.ServiceSecret);
            Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, status.ToString());
            Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        }
        finally
        {
            await WithManagerAsync(client, async (manager, application) =>
            {
                application.ClientSecret = stored;
                await manager.UpdateAsync(application);
            });
        }
        Assert.Equal(HttpStatusCode.OK, (await ClientCredentialsAsync(client, IdentityServer.ServiceSecret)).Status);
    }

    private async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> ClientCredentialsAsync(string client, string secret)
    {
        using var session = new FormSession(Server.BaseAddress);
        return await new CodeFlow(session).TokenAsync(
            new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "ledger.submit" }, client, secret);
    }

    private async Task<string> StoredSecretAsync(string clientId)
    {
        using var scope = Server.Service.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>();
        return (await db.Set<OpenIddictEntityFrameworkCoreApplication>().AsNoTracking().SingleAsync(a => a.ClientId == clientId)).ClientSecret!;
    }

    /// <summary>Stores the secret hashed by OpenIddict's own (PBKDF2) manager, as clients registered before the change are.</summary>
    private async Task StorePbkdf2HashAsync(string clientId, string secret)
    {
        using var scope = Server.Service.Services.CreateScope();
        var legacy = ActivatorUtilities.CreateInstance<OpenIddictOwnHasher>(scope.ServiceProvider);
        var hash = await legacy.HashAsync(secret);
        await WithManagerAsync(clientId, async (manager, application) =>
        {
            application.ClientSecret = hash;
            await manager.UpdateAsync(application);
        });
    }

    private async Task WithManagerAsync(string clientId, Func<IOpenIddictApplicationManager, OpenIddictEntityFrameworkCoreApplication, Task> change)
    {
        using var scope = Server.Service.Services.CreateScope();
        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var application = (OpenIddictEntityFrameworkCoreApplication)(await manager.FindByClientIdAsync(clientId))!;
        await change(manager, application);
    }

    /// <summary>OpenIddict's unmodified application manager, used only for its PBKDF2 hashing.</summary>
    private sealed class OpenIddictOwnHasher(
        IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
        ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
        IOptionsMonitor<OpenIddictCoreOptions> options,
        IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store)
        : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
    {
        public ValueTask<string> HashAsync(string secret) => ObfuscateClientSecretAsync(secret);
    }
}
