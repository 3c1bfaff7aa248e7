using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Oidc;

/// <summary>Active when the sign-in generates a token an authorization is attached to: a code, device code or refresh token.</summary>
public sealed class RequireAuthorizationBoundTokenGenerated : IOpenIddictServerHandlerFilter<ProcessSignInContext>
{
    public ValueTask<bool> IsActiveAsync(ProcessSignInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(context.GenerateAuthorizationCode || context.GenerateDeviceCode || context.GenerateRefreshToken);
    }
}
