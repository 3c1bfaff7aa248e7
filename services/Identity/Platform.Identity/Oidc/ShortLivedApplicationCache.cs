using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;
using Platform.Identity.Data;

namespace Platform.Identity.Oidc;

/// <summary>
/// OpenIddict's client cache, replaced (issue 18): OpenIddict's own lives for one request (it builds a
/// <c>MemoryCache</c> per request), so every token request read its client from the database. This one files what it
/// reads in <see cref="SharedEntitySnapshots{TEntity}"/> for a few seconds and hands each request its own copy, kept
/// for the rest of that request, attached to its database context as if loaded (<see cref="TrackedCopy"/>). Lookups by redirect URI (sign-in flows, not per token) go to the database. The
/// request's database context is taken only when a copy is attached to it, so a request that never asks for a client
/// here leases none (issue 18).
/// </summary>
public sealed class ShortLivedApplicationCache(
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store,
    SharedEntitySnapshots<OpenIddictEntityFrameworkCoreApplication> shared,
    IServiceProvider requestServices)
    : IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication>
{
    private readonly IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> _store = store;
    private readonly Dictionary<string, OpenIddictEntityFrameworkCoreApplication> _thisRequest = new(StringComparer.Ordinal);

    public ValueTask<OpenIddictEntityFrameworkCoreApplication?> FindByClientIdAsync(string identifier, CancellationToken cancellationToken) =>
        FindAsync("client_id:" + identifier, () => _store.FindByClientIdAsync(identifier, cancellationToken));

    public ValueTask<OpenIddictEntityFrameworkCoreApplication?> FindByIdAsync(string identifier, CancellationToken cancellationToken) =>
        FindAsync("id:" + identifier, () => _store.FindByIdAsync(identifier, cancellationToken));

    public IAsyncEnumerable<OpenIddictEntityFrameworkCoreApplication> FindByPostLogoutRedirectUriAsync(string uri, CancellationToken cancellationToken) =>
        _store.FindByPostLogoutRedirectUriAsync(uri, cancellationToken);

    public IAsyncEnumerable<OpenIddictEntityFrameworkCoreApplication> FindByRedirectUriAsync(string uri, CancellationToken cancellationToken) =>
        _store.FindByRedirectUriAsync(uri, cancellationToken);

    /// <summary>Called by the manager after it created or updated a client.</summary>
    public ValueTask AddAsync(OpenIddictEntityFrameworkCoreApplication application, CancellationToken cancellationToken) => ForgetAsync();

    /// <summary>Called by the manager before it deletes or updates a client.</summary>
    public ValueTask RemoveAsync(OpenIddictEntityFrameworkCoreApplication application, CancellationToken cancellationToken) => ForgetAsync();

    private ValueTask ForgetAsync()
    {
        _thisRequest.Clear();
        shared.Clear();
        return default;
    }

    private async ValueTask<OpenIddictEntityFrameworkCoreApplication?> FindAsync(
        string key, Func<ValueTask<OpenIddictEntityFrameworkCoreApplication?>> read)
    {
        if (_thisRequest.TryGetValue(key, out var known))
        {
            return known;
        }
        var application = shared.Find(key) is { } copy ? TrackedCopy.Attach(requestServices.GetRequiredService<IdentityServiceDbContext>(), copy, a => a.Id) : null;
        if (application is null)
        {
            var generation = shared.Generation;
            application = await read();
            if (application is not null)
            {
                shared.Keep(key, application, generation);
            }
        }
        if (application is not null)
        {
            _thisRequest[key] = application;
        }
        return application;
    }
}
