using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Oidc;

/// <summary>
/// Token validation at the identity service (introspection, revocation) for access tokens without an entry
/// (<see cref="UnstoredServiceTokens"/>): OpenIddict checks a token's entry only when it has one, so this refuses, as
/// for a revoked stored token, one whose <c>jti</c> was revoked or whose client has been removed since (removing a
/// client deletes its stored tokens). Introspection then answers <c>active: false</c>.
/// </summary>
public sealed class RefuseRevokedUnstoredToken(UnstoredTokenRevocations revocations, IOpenIddictApplicationManager applications)
    : IOpenIddictServerHandler<ValidateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseScopedHandler<RefuseRevokedUnstoredToken>()
            .SetOrder(OpenIddictServerHandlers.Protection.ValidateTokenEntry.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ValidateTokenContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Principal is not { } principal || !UnstoredTokenRevocations.IsUnstoredAccessToken(principal))
        {
            return;
        }
        var cancellationToken = context.Transaction.CancellationToken;
        if (await revocations.IsRevokedAsync(principal.GetClaim(Claims.JwtId)!, cancellationToken))
        {
            context.Reject(Errors.InvalidToken, "The token is no longer valid.");
            return;
        }
        foreach (var client in principal.GetPresenters())
        {
            if (await applications.FindByClientIdAsync(client, cancellationToken) is null)
            {
                context.Reject(Errors.InvalidToken, "The token is no longer valid.");
                return;
            }
        }
    }
}
