using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Oidc;

/// <summary>Active unless <see cref="VerifyClientFromSnapshot"/> authenticated the request's client.</summary>
public sealed class RequireClientNotVerifiedFromSnapshot : IOpenIddictServerHandlerFilter<ProcessAuthenticationContext>
{
    public ValueTask<bool> IsActiveAsync(ProcessAuthenticationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(VerifyClientFromSnapshot.Of(context.Transaction, context.ClientId) is null);
    }
}
