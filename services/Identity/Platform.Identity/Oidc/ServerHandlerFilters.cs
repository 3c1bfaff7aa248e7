using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Oidc;

/// <summary>
/// Adds a filter to one of OpenIddict's built-in handlers in the server options: the descriptor is OpenIddict's own
/// (<c>Import</c>: same service registration, order and filters) with one more filter at the end, put where the
/// original was, so the later sort by order keeps it in place. Used where a handler's work is known not to be needed
/// for a request, to keep it (and the scoped services it takes) from being built at all (issue 18).
/// </summary>
internal static class ServerHandlerFilters
{
    public static void AddFilter<TContext, TFilter>(OpenIddictServerOptions options, OpenIddictServerHandlerDescriptor builtIn)
        where TContext : BaseContext
        where TFilter : class, IOpenIddictServerHandlerFilter<TContext>
    {
        var position = options.Handlers.FindIndex(d => d.ServiceDescriptor.ServiceType == builtIn.ServiceDescriptor.ServiceType);
        if (position < 0 || options.Handlers[position].FilterTypes.Contains(typeof(TFilter)))
        {
            return;
        }
        options.Handlers[position] = OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
            .Import(options.Handlers[position])
            .AddFilter<TFilter>()
            .Build();
    }
}
