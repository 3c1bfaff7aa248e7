using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;
using Platform.Identity.Data;

namespace Platform.Identity.Oidc;

/// <summary>
/// OpenIddict's scope cache, replaced for the same reason as <see cref="ShortLivedApplicationCache"/>: the token
/// endpoint turns the granted scopes into audiences (resources) on every request. Scopes found by name or id are kept
/// in <see cref="SharedEntitySnapshots{TEntity}"/> for a few seconds; lookups by resource go to the database. The
/// request's database context is taken only when a copy is attached to it, so a request answered from derived
/// answers alone leases none (issue 18).
/// </summary>
public sealed class ShortLivedScopeCache(
    IOpenIddictScopeStore<OpenIddictEntityFrameworkCoreScope> store,
    SharedEntitySnapshots<OpenIddictEntityFrameworkCoreScope> shared,
    IServiceProvider requestServices)
    : IOpenIddictScopeCache<OpenIddictEntityFrameworkCoreScope>
{
    private readonly IOpenIddictScopeStore<OpenIddictEntityFrameworkCoreScope> _store = store;
    private readonly Dictionary<string, OpenIddictEntityFrameworkCoreScope> _thisRequest = new(StringComparer.Ordinal);

    public async ValueTask<OpenIddictEntityFrameworkCoreScope?> FindByIdAsync(string identifier, CancellationToken cancellationToken)
    {
        var key = "id:" + identifier;
        if (Known(key) is { } known)
        {
            return known;
        }
        var generation = shared.Generation;
        var scope = await _store.FindByIdAsync(identifier, cancellationToken);
        Remember(key, scope, generation);
        return scope;
    }

    public async ValueTask<OpenIddictEntityFrameworkCoreScope?> FindByNameAsync(string name, CancellationToken cancellationToken)
    {
        var key = "name:" + name;
        if (Known(key) is { } known)
        {
            return known;
        }
        var generation = shared.Generation;
        var scope = await _store.FindByNameAsync(name, cancellationToken);
        Remember(key, scope, generation);
        return scope;
    }

    public async IAsyncEnumerable<OpenIddictEntityFrameworkCoreScope> FindByNamesAsync(
        ImmutableArray<string> names, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var missing = ImmutableArray.CreateBuilder<string>();
        foreach (var name in names.Distinct(StringComparer.Ordinal))
        {
            if (Known("name:" + name) is { } known)
            {
                yield return known;
            }
            else
            {
                missing.Add(name);
            }
        }
        if (missing.Count == 0)
        {
            yield break;
        }
        var generation = shared.Generation;
        await foreach (var scope in _store.FindByNamesAsync(missing.ToImmutable(), cancellationToken))
        {
            if (scope.Name is { } name)
            {
                Remember("name:" + name, scope, generation);
            }
            yield return scope;
        }
    }

    public IAsyncEnumerable<OpenIddictEntityFrameworkCoreScope> FindByResourceAsync(string resource, CancellationToken cancellationToken) =>
        _store.FindByResourceAsync(resource, cancellationToken);

    /// <summary>Called by the manager after it created or updated a scope.</summary>
    public ValueTask AddAsync(OpenIddictEntityFrameworkCoreScope scope, CancellationToken cancellationToken) => ForgetAsync();

    /// <summary>Called by the manager before it deletes or updates a scope.</summary>
    public ValueTask RemoveAsync(OpenIddictEntityFrameworkCoreScope scope, CancellationToken cancellationToken) => ForgetAsync();

    private ValueTask ForgetAsync()
    {
        _thisRequest.Clear();
        shared.Clear();
        return default;
    }

    private OpenIddictEntityFrameworkCoreScope? Known(string key)
    {
        if (_thisRequest.TryGetValue(key, out var known))
        {
            return known;
        }
        if (shared.Find(key) is { } copy)
        {
            var attached = TrackedCopy.Attach(requestServices.GetRequiredService<IdentityServiceDbContext>(), copy, s => s.Id);
            _thisRequest[key] = attached;
            return attached;
        }
        return null;
    }

    private void Remember(string key, OpenIddictEntityFrameworkCoreScope? scope, long generation)
    {
        if (scope is not null)
        {
            shared.Keep(key, scope, generation);
            _thisRequest[key] = scope;
        }
    }
}
