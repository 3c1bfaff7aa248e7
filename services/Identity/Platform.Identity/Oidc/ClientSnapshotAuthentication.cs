using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers;

namespace Platform.Identity.Oidc;

/// <summary>
/// client_credentials token requests authenticated and authorized from shared <see cref="ClientSnapshot"/>s instead of
/// through the application manager, a leased database context and a client copy attached to it per request (issue 18).
/// Only a success is decided from the snapshot (<see cref="VerifyClientFromSnapshot"/>,
/// <see cref="VerifyTokenPermissionsFromSnapshot"/>); then OpenIddict's handlers that would check the same things are
/// skipped by one more filter each. Every other request, and every refusal, goes through OpenIddict's handlers as before.
/// </summary>
public static class ClientSnapshotAuthentication
{
    public static OpenIddictServerBuilder AddClientSnapshotAuthentication(this OpenIddictServerBuilder server)
    {
        server.Services.TryAddSingleton<ClientSnapshots>();
        server.Services.TryAddSingleton<RequireClientNotVerifiedFromSnapshot>();
        server.Services.TryAddSingleton<RequirePermissionsNotVerifiedFromSnapshot>();
        server.AddEventHandler(VerifyClientFromSnapshot.Descriptor);
        server.AddEventHandler(VerifyTokenPermissionsFromSnapshot.Descriptor);
        return server.Configure(options =>
        {
            foreach (var builtIn in new[] { ValidateClientId.Descriptor, ValidateClientType.Descriptor, ValidateClientSecret.Descriptor })
            {
                ServerHandlerFilters.AddFilter<ProcessAuthenticationContext, RequireClientNotVerifiedFromSnapshot>(options, builtIn);
            }
            foreach (var builtIn in new[]
            {
                Exchange.ValidateEndpointPermissions.Descriptor, Exchange.ValidateGrantTypePermissions.Descriptor,
                Exchange.ValidateScopePermissions.Descriptor, Exchange.ValidateAudiencePermissions.Descriptor,
                Exchange.ValidateResourcePermissions.Descriptor, Exchange.ValidateProofKeyForCodeExchangeRequirement.Descriptor,
            })
            {
                ServerHandlerFilters.AddFilter<ValidateTokenRequestContext, RequirePermissionsNotVerifiedFromSnapshot>(options, builtIn);
            }
        });
    }
}
