using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace Platform.Identity.Oidc;

/// <summary>
/// OpenIddict's scope manager with a scope set's resources (the audiences of the tokens it grants) kept as an answer
/// in <see cref="SharedEntitySnapshots{TEntity}"/> for the scopes' cache lifetime (issue 18): every token request asks
/// it, and finding, copying and attaching each scope entity to compute the same short list was a tenth of the token
/// endpoint's work. A scope changed through the managers drops the answer at once (with the scope copies); one changed
/// behind the service's back is honoured within the lifetime, as for the copies.
/// </summary>
public sealed class AudienceCachingScopeManager(
    IOpenIddictScopeCache<OpenIddictEntityFrameworkCoreScope> cache,
    ILogger<OpenIddictScopeManager<OpenIddictEntityFrameworkCoreScope>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictScopeStore<OpenIddictEntityFrameworkCoreScope> store,
    SharedEntitySnapshots<OpenIddictEntityFrameworkCoreScope> shared)
    : OpenIddictScopeManager<OpenIddictEntityFrameworkCoreScope>(cache, logger, options, store)
{
    public override async IAsyncEnumerable<string> ListResourcesAsync(
        ImmutableArray<string> scopes, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var key = ResourcesKey(scopes);
        if (!shared.TryFindDerived<ImmutableArray<string>>(key, out var resources))
        {
            var generation = shared.Generation;
            var read = ImmutableArray.CreateBuilder<string>();
            await foreach (var resource in base.ListResourcesAsync(scopes, cancellationToken))
            {
                read.Add(resource);
            }
            resources = read.ToImmutable();
            shared.KeepDerived(key, resources, generation);
        }
        foreach (var resource in resources)
        {
            yield return resource;
        }
    }

    /// <summary>The key of a scope set's resources among the derived answers (<see cref="ServiceTokenFromSnapshot"/> reads them too).</summary>
    // Order and repetition do not change the answer; one key per set keeps the answers few.
    internal static string ResourcesKey(IEnumerable<string> scopes) =>
        "resources:" + string.Join(' ', scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
}
