using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Oidc;

/// <summary>
/// OpenIddict's server handlers by event, for <see cref="IndexedServerDispatcher"/>: per options instance (the options
/// are rebuilt when signing keys rotate, and their handler list with them) and per context type, the descriptors of
/// that type in the options' order. A handler or filter registered as a singleton is resolved here once from the root
/// provider — the same instance the request's scope would return; any other lifetime is left to the request's scope.
/// </summary>
public sealed class ServerHandlerIndex(IServiceProvider root, ServerHandlerIndex.Registrations registrations)
{
    private readonly ConditionalWeakTable<OpenIddictServerOptions, ConcurrentDictionary<Type, object>> _byOptions = [];

    public Entry<TContext>[] For<TContext>(OpenIddictServerOptions options) where TContext : BaseContext
    {
        var byContext = _byOptions.GetValue(options, _ => new ConcurrentDictionary<Type, object>());
        if (byContext.TryGetValue(typeof(TContext), out var found))
        {
            return (Entry<TContext>[])found;
        }
        return (Entry<TContext>[])byContext.GetOrAdd(typeof(TContext), _ => Build<TContext>(options));
    }

    private Entry<TContext>[] Build<TContext>(OpenIddictServerOptions options) where TContext : BaseContext
    {
        // The options' handler list is sorted by order when they are built; filtering keeps that order.
        var entries = new List<Entry<TContext>>();
        foreach (var descriptor in options.Handlers)
        {
            if (descriptor.ContextType != typeof(TContext))
            {
                continue;
            }
            var handler = descriptor.ServiceDescriptor.ImplementationInstance as IOpenIddictServerHandler<TContext>
                ?? (registrations.IsSingleton(descriptor.ServiceDescriptor.ServiceType)
                    ? root.GetService(descriptor.ServiceDescriptor.ServiceType) as IOpenIddictServerHandler<TContext>
                    : null);
            var filters = descriptor.FilterTypes
                .Select(type => registrations.IsSingleton(type) ? root.GetService(type) as IOpenIddictServerHandlerFilter<TContext> : null)
                .ToArray();
            entries.Add(new Entry<TContext>(descriptor, handler, filters));
        }
        return [.. entries];
    }

    /// <param name="Handler">The handler when it is a singleton; null when the request's scope resolves it.</param>
    /// <param name="Filters">Per filter type of the descriptor, the filter when it is a singleton, else null.</param>
    public sealed record Entry<TContext>(OpenIddictServerHandlerDescriptor Descriptor, IOpenIddictServerHandler<TContext>? Handler,
        IOpenIddictServerHandlerFilter<TContext>?[] Filters) where TContext : BaseContext;

    /// <summary>
    /// The service collection the app was built from, read for lifetimes once the index first needs them (after the
    /// app is built, when every registration is in). The last registration of a type is the one DI resolves.
    /// </summary>
    public sealed class Registrations(IServiceCollection services)
    {
        private readonly Lazy<Dictionary<Type, ServiceLifetime>> _lifetimes = new(() =>
        {
            var lifetimes = new Dictionary<Type, ServiceLifetime>();
            foreach (var service in services)
            {
                if (!service.IsKeyedService)
                {
                    lifetimes[service.ServiceType] = service.Lifetime;
                }
            }
            return lifetimes;
        });

        public bool IsSingleton(Type type) => _lifetimes.Value.TryGetValue(type, out var lifetime) && lifetime == ServiceLifetime.Singleton;
    }
}
