using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Oidc;

/// <summary>
/// OpenIddict's server dispatcher with its handler lookup indexed (issue 18). OpenIddict's own walks every registered
/// handler descriptor (about 300) on each event to find the few of the event's context type, and resolves each filter
/// and handler from the request's DI scope; a token request raises a dozen events. This one runs the very same
/// handlers, in the same order, behind the same filters evaluated per event, and stops on the same conditions; it only
/// takes the event's descriptors from <see cref="ServerHandlerIndex"/> (kept per options instance and context type)
/// and uses the singleton filters and handlers resolved there once. Scoped and transient ones are still resolved from
/// the request's scope, as OpenIddict does.
/// </summary>
public sealed class IndexedServerDispatcher(
    ServerHandlerIndex index,
    IOptionsMonitor<OpenIddictServerOptions> options,
    IServiceProvider provider,
    ILogger<IndexedServerDispatcher> logger) : IOpenIddictServerDispatcher
{
    public async ValueTask DispatchAsync<TContext>(TContext context) where TContext : BaseContext
    {
        ArgumentNullException.ThrowIfNull(context);
        var handlers = index.For<TContext>(options.CurrentValue);
        for (var position = 0; position < handlers.Length; position++)
        {
            var entry = handlers[position];
            if (!await IsActiveAsync(entry, context))
            {
                continue;
            }
            var handler = entry.Handler ?? provider.GetService(entry.Descriptor.ServiceDescriptor.ServiceType) as IOpenIddictServerHandler<TContext>
                ?? throw new InvalidOperationException($"The OpenIddict handler {entry.Descriptor.ServiceDescriptor.ServiceType} is not registered.");
            await handler.HandleAsync(context);
            if (context is BaseRequestContext { IsRequestHandled: true } or BaseRequestContext { IsRequestSkipped: true } or BaseValidatingContext { IsRejected: true })
            {
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    logger.LogDebug("Event {Context} stopped after handler {Handler}.", typeof(TContext).Name, handler.GetType().Name);
                }
                return;
            }
        }
    }

    private async ValueTask<bool> IsActiveAsync<TContext>(ServerHandlerIndex.Entry<TContext> entry, TContext context) where TContext : BaseContext
    {
        for (var position = 0; position < entry.Filters.Length; position++)
        {
            var filter = entry.Filters[position]
                ?? provider.GetService(entry.Descriptor.FilterTypes[position]) as IOpenIddictServerHandlerFilter<TContext>
                ?? throw new InvalidOperationException($"The OpenIddict filter {entry.Descriptor.FilterTypes[position]} is not registered.");
            if (!await filter.IsActiveAsync(context))
            {
                return false;
            }
        }
        return true;
    }
}
