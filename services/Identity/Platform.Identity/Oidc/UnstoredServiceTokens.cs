using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Oidc;

/// <summary>
/// Client_credentials access tokens are issued without a token entry (issue 18): the row OpenIddict wrote for each of
/// them was the token endpoint's bottleneck (one serialized SQLite write per token). Nothing needed it but revocation,
/// which now works from the token itself: the revocation endpoint records the token's <c>jti</c>
/// (<see cref="UnstoredTokenRevocations"/>) and announces it to the resource services' deny-lists, and introspection
/// answers <c>active: false</c> for a recorded <c>jti</c> or a client that no longer exists. Authorization codes,
/// refresh tokens and the access tokens issued with them keep their entries: codes and refresh tokens must be
/// redeemable once, and a user's tokens are revoked together by authorization, subject or session.
/// <c>Identity:StoreClientCredentialsAccessTokens=true</c> restores an entry per token.
/// </summary>
public static class UnstoredServiceTokens
{
    public static OpenIddictServerBuilder AddUnstoredServiceTokens(this OpenIddictServerBuilder server, bool storeClientCredentialsAccessTokens)
    {
        if (!storeClientCredentialsAccessTokens)
        {
            server.AddEventHandler<GenerateTokenContext>(handler => handler
                .UseInlineHandler(context =>
                {
                    if (UnstoredTokenRevocations.IsAccessTokenType(context.TokenType)
                        && context.Transaction.EndpointType is OpenIddictServerEndpointType.Token
                        && context.Transaction.Request?.IsClientCredentialsGrantType() is true)
                    {
                        context.CreateTokenEntry = false;
                    }
                    return default;
                })
                .SetOrder(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order - 500));
        }

        // Kept whatever the setting: tokens issued without an entry before a restart stay revocable after it.
        server.RemoveEventHandler(OpenIddictServerHandlers.Revocation.RevokeToken.Descriptor);
        server.AddEventHandler(RevokeStoredOrUnstoredToken.Descriptor);
        server.AddEventHandler(RefuseRevokedUnstoredToken.Descriptor);
        server.Services.AddScoped<UnstoredTokenRevocations>();
        return server;
    }
}
