using System.Collections.Frozen;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Oidc;

/// <summary>
/// <see cref="ClientSnapshot"/>s by client id, kept as derived answers beside the client copies in
/// <see cref="SharedEntitySnapshots{TEntity}"/>: the same lifetime, and dropped with them the moment a client is
/// created, changed or deleted through this service's managers (a rotated secret or a withdrawn permission is in force
/// for the next request here; on other replicas within the lifetime, as for the copies). Issue 18: a client_credentials
/// token request built the application manager, leased a database context and attached a client copy to it only to
/// answer these questions. A miss reads the client through the application manager in a scope of its own.
/// </summary>
public sealed class ClientSnapshots(
    SharedEntitySnapshots<OpenIddictEntityFrameworkCoreApplication> shared,
    IServiceScopeFactory scopes)
{
    public async ValueTask<ClientSnapshot?> FindAsync(string clientId, CancellationToken cancellationToken)
    {
        var key = "snapshot:" + clientId;
        if (shared.TryFindDerived<ClientSnapshot>(key, out var known))
        {
            return known;
        }
        var generation = shared.Generation;
        await using var scope = scopes.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application)
        {
            return null; // not kept: an unknown client id costs the database read OpenIddict's own check makes anyway
        }
        var snapshot = await ReadAsync(applications, application, clientId, cancellationToken);
        shared.KeepDerived(key, snapshot, generation);
        return snapshot;
    }

    private static async Task<ClientSnapshot> ReadAsync(IOpenIddictApplicationManager applications, object application, string clientId,
        CancellationToken cancellationToken)
    {
        var stored = application is OpenIddictEntityFrameworkCoreApplication { ClientSecret: { } hash } ? hash : null;
        var settings = await applications.GetSettingsAsync(application, cancellationToken);
        TimeSpan? lifetime = settings.TryGetValue(Settings.TokenLifetimes.AccessToken, out var setting)
            && TimeSpan.TryParse(setting, CultureInfo.InvariantCulture, out var value) ? value : null;
        return new ClientSnapshot(
            clientId,
            await applications.HasClientTypeAsync(application, ClientTypes.Confidential, cancellationToken),
            KeyedClientSecretApplicationManager.KeyedHashOf(stored),
            (await applications.GetPermissionsAsync(application, cancellationToken)).ToFrozenSet(StringComparer.Ordinal),
            await applications.GetDisplayNameAsync(application, cancellationToken),
            lifetime,
            await DpopTokenBinding.IsRequiredAsync(applications, application, cancellationToken));
    }
}
