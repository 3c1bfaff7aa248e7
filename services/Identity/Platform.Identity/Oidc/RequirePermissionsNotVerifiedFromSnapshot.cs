using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Oidc;

/// <summary>Active unless <see cref="VerifyTokenPermissionsFromSnapshot"/> found the request's permissions on its client's snapshot.</summary>
public sealed class RequirePermissionsNotVerifiedFromSnapshot : IOpenIddictServerHandlerFilter<ValidateTokenRequestContext>
{
    public ValueTask<bool> IsActiveAsync(ValidateTokenRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(VerifyClientFromSnapshot.In(context.Transaction, VerifyTokenPermissionsFromSnapshot.Property, context.ClientId) is null);
    }
}
