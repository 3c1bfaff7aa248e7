using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Oidc;

/// <summary>Active unless <see cref="VerifyTokenPermissionsFromSnapshot"/> found the request's permissions on its client's snapshot.</summary>
public sealed class RequirePermissionsNotVerifiedFromSnapshot : IOpenIddictServerHandlerFilter<ValidateTokenRequestContext>
{
    public ValueTask<bool> IsActiveAsync(ValidateTokenRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(!(context.Transaction.Properties.TryGetValue(VerifyTokenPermissionsFromSnapshot.Property, out var value)
            && value is ClientSnapshot snapshot && string.Equals(snapshot.ClientId, context.ClientId, StringComparison.Ordinal)));
    }
}
