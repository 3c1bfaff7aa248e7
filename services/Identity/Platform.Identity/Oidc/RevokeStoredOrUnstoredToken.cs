using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Oidc;

/// <summary>
/// The revocation endpoint's last step, in place of OpenIddict's <c>RevokeToken</c> (which refuses a token without an
/// entry as <c>unsupported_token_type</c>): a stored token is revoked through the token manager as before
/// (<see cref="RevocationAnnouncingTokenManager"/> announces it); an access token without an entry
/// (<see cref="UnstoredServiceTokens"/>) through <see cref="UnstoredTokenRevocations"/>. OpenIddict has already checked
/// the token's signature and lifetime and that the caller is the client it was issued to.
/// </summary>
public sealed class RevokeStoredOrUnstoredToken(IOpenIddictTokenManager tokens, UnstoredTokenRevocations unstored)
    : IOpenIddictServerHandler<HandleRevocationRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleRevocationRequestContext>()
            .UseScopedHandler<RevokeStoredOrUnstoredToken>()
            .SetOrder(OpenIddictServerHandlers.Revocation.RevokeToken.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleRevocationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var principal = context.GenericTokenPrincipal ?? throw new InvalidOperationException("The revocation request carries no validated token.");
        var cancellationToken = context.Transaction.CancellationToken;
        var identifier = principal.GetTokenId();
        if (string.IsNullOrEmpty(identifier))
        {
            if (UnstoredTokenRevocations.IsUnstoredAccessToken(principal))
            {
                await unstored.RevokeAsync(principal, cancellationToken);
                return;
            }
            context.Reject(Errors.UnsupportedTokenType, "This token cannot be revoked.");
            return;
        }

        var token = await tokens.FindByIdAsync(identifier, cancellationToken);
        if (token is null)
        {
            context.Reject(Errors.InvalidToken, "The token is no longer valid.");
            return;
        }
        if (!await tokens.TryRevokeAsync(token, cancellationToken))
        {
            context.Reject(Errors.UnsupportedTokenType, "This token cannot be revoked.");
        }
    }
}
