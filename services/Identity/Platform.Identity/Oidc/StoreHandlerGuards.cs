using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers;

namespace Platform.Identity.Oidc;

/// <summary>
/// Two of OpenIddict's sign-in handlers do nothing on a client_credentials token request but are still built for it,
/// and with them the token and authorization managers, each with its stores and a fresh per-request
/// <c>MemoryCache</c> (issue 18: the profile of the token endpoint showed both caches' constructors on every token).
/// Each gets one more filter stating the handler's own first test, so it is not built when that test would return:
/// <list type="bullet">
/// <item><c>RedeemTokenEntry</c> acts only on the end-user verification endpoint and on the token endpoint's code,
/// device code, refresh token (and token exchange) grants, never on client_credentials
/// (<see cref="RequireNotClientCredentialsTokenRequest"/>).</item>
/// <item><c>AttachAuthorization</c> returns unless an authorization code, device code or refresh token is being
/// generated (<see cref="RequireAuthorizationBoundTokenGenerated"/>).</item>
/// </list>
/// The handlers, their order and their other filters are OpenIddict's; codes and refresh tokens still redeem their
/// entries and get their authorizations.
/// </summary>
public static class StoreHandlerGuards
{
    public static OpenIddictServerBuilder AddStoreHandlerGuards(this OpenIddictServerBuilder server)
    {
        server.Services.TryAddSingleton<RequireNotClientCredentialsTokenRequest>();
        server.Services.TryAddSingleton<RequireAuthorizationBoundTokenGenerated>();
        return server.Configure(options =>
        {
            ServerHandlerFilters.AddFilter<ProcessSignInContext, RequireNotClientCredentialsTokenRequest>(options, RedeemTokenEntry.Descriptor);
            ServerHandlerFilters.AddFilter<ProcessSignInContext, RequireAuthorizationBoundTokenGenerated>(options, AttachAuthorization.Descriptor);
        });
    }
}
