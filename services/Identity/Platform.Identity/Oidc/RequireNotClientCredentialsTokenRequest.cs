using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Oidc;

/// <summary>Active unless the sign-in answers a client_credentials request at the token endpoint.</summary>
public sealed class RequireNotClientCredentialsTokenRequest : IOpenIddictServerHandlerFilter<ProcessSignInContext>
{
    public ValueTask<bool> IsActiveAsync(ProcessSignInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(!(context.EndpointType is OpenIddictServerEndpointType.Token && context.Request.IsClientCredentialsGrantType()));
    }
}
