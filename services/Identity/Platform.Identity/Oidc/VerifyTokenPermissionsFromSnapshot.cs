using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Oidc;

/// <summary>
/// Checks a client_credentials request's permissions on the <see cref="ClientSnapshot"/> its client was authenticated
/// with (issue 18), as OpenIddict 7.8's token endpoint handlers do: the token endpoint, the client_credentials grant
/// (and the refresh_token grant when <c>offline_access</c> is asked for), each requested scope (the protocol scopes
/// <c>openid</c> and <c>offline_access</c> aside), each requested audience and each requested resource. When all are
/// there, OpenIddict's endpoint, grant type, scope, audience and resource permission handlers, and its PKCE requirement
/// handler (which acts on code grants only), are not built for the request
/// (<see cref="RequirePermissionsNotVerifiedFromSnapshot"/>). When one is missing nothing is decided here: OpenIddict's
/// handlers run and refuse with their own errors.
/// </summary>
public sealed class VerifyTokenPermissionsFromSnapshot : IOpenIddictServerHandler<ValidateTokenRequestContext>
{
    /// <summary>The transaction property set when the permissions were found on the snapshot.</summary>
    public const string Property = "platform.client-snapshot.permissions";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenRequestContext>()
        .UseSingletonHandler<VerifyTokenPermissionsFromSnapshot>()
        // After client authentication (ValidateAuthentication), just before OpenIddict's first permission check.
        .SetOrder(OpenIddictServerHandlers.Exchange.ValidateEndpointPermissions.Descriptor.Order - 1)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    public ValueTask HandleAsync(ValidateTokenRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.IsClientCredentialsGrantType()
            && VerifyClientFromSnapshot.Of(context.Transaction, context.ClientId) is { } snapshot
            && HasAll(snapshot, context.Request))
        {
            context.Transaction.Properties[Property] = snapshot;
        }
        return default;
    }

    private static bool HasAll(ClientSnapshot snapshot, OpenIddictRequest request) =>
        Grants(snapshot, request.GetScopes(), request.GetAudiences(), request.GetResources());

    /// <summary>Whether the snapshot's permissions allow a client_credentials token for these scopes, audiences and resources.</summary>
    internal static bool Grants(ClientSnapshot snapshot, IEnumerable<string> scopes, IEnumerable<string> audiences, IEnumerable<string> resources)
    {
        var permissions = snapshot.Permissions;
        if (!permissions.Contains(Permissions.Endpoints.Token) || !permissions.Contains(Permissions.GrantTypes.ClientCredentials))
        {
            return false;
        }
        foreach (var scope in scopes)
        {
            if (scope == Scopes.OfflineAccess && !permissions.Contains(Permissions.GrantTypes.RefreshToken))
            {
                return false;
            }
            if (scope is not (Scopes.OpenId or Scopes.OfflineAccess) && !permissions.Contains(Permissions.Prefixes.Scope + scope))
            {
                return false;
            }
        }
        return audiences.All(audience => permissions.Contains(Permissions.Prefixes.Audience + audience))
            && resources.All(resource => permissions.Contains(Permissions.Prefixes.Resource + resource));
    }
}
