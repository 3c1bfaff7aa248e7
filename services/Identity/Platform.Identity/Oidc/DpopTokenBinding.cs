using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Platform.ServiceDefaults.Dpop;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Oidc;

/// <summary>
/// DPoP (RFC 9449) at the token endpoint. A request with a <c>DPoP</c> header must carry a valid proof for
/// <c>POST</c> to this endpoint with the server's current nonce (<c>use_dpop_nonce</c> and a <c>DPoP-Nonce</c> header
/// otherwise); the access token it gets is bound to the proof's key (<c>cnf.jkt</c>, <c>token_type: DPoP</c>), and so is a
/// public client's refresh token, which then refreshes only with a proof by the same key. A client registered with
/// <c>RequireDpop</c> gets no token without a proof. Every token response carries a <c>DPoP-Nonce</c> (renewed every 30 s, <see cref="DpopNonces.Current"/>).
/// </summary>
public static class DpopTokenBinding
{
    /// <summary>Application property: the client must use DPoP.</summary>
    public const string RequireProperty = "require_dpop";

    /// <summary>Private claim on a refresh token: the thumbprint of the key it is bound to.</summary>
    public const string RefreshTokenClaim = "platform_dpop_jkt";

    private const string ThumbprintProperty = "platform.dpop.jkt";

    public static OpenIddictServerBuilder AddDpopTokenBinding(this OpenIddictServerBuilder server)
    {
        server.AddEventHandler<ValidateTokenRequestContext>(handler => handler
            .UseScopedHandler<ValidateProof>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ProcessSignInContext>(handler => handler
            .UseInlineHandler(BindTokens)
            .SetOrder(OpenIddictServerHandlers.GenerateAccessToken.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom));
        server.AddEventHandler<ApplyTokenResponseContext>(handler => handler
            .UseScopedHandler<AnnounceNonceAndTokenType>()
            .SetOrder(0)
            .SetType(OpenIddictServerHandlerType.Custom));
        return server;
    }

    public static async Task<bool> IsRequiredAsync(IOpenIddictApplicationManager applications, object application, CancellationToken cancellationToken)
    {
        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        return properties.TryGetValue(RequireProperty, out var value) && value.ValueKind == JsonValueKind.True;
    }

    private static ValueTask BindTokens(ProcessSignInContext context)
    {
        if (!context.Transaction.Properties.TryGetValue(ThumbprintProperty, out var value) || value is not string jkt)
        {
            return default;
        }
        context.AccessTokenPrincipal?.SetClaim("cnf", JsonSerializer.SerializeToElement(new { jkt }));
        // Public clients have no other proof of who refreshes: their refresh tokens are bound too (RFC 9449 §5).
        if (context.RefreshTokenPrincipal is { } refresh && context.Transaction.Properties.ContainsKey(ThumbprintProperty + ".public"))
        {
            refresh.SetClaim(RefreshTokenClaim, jkt);
        }
        return default;
    }

    // A client authenticated from its snapshot (ClientSnapshotAuthentication) is answered from it; any other request
    // takes the application manager from the request's services, so a client_credentials request does not build it (issue 18).
    internal sealed class ValidateProof(DpopProofValidator validator, DpopNonces nonces, IServiceProvider requestServices)
        : IOpenIddictServerHandler<ValidateTokenRequestContext>
    {
        public async ValueTask HandleAsync(ValidateTokenRequestContext context)
        {
            var request = context.Transaction.GetHttpRequest() ?? throw new InvalidOperationException("The token endpoint runs in ASP.NET Core.");
            var proofs = request.Headers[DpopProofValidator.HeaderName];
            var client = await ClientAsync(context);
            var boundRefresh = context.Request.IsRefreshTokenGrantType() ? context.RefreshTokenPrincipal?.GetClaim(RefreshTokenClaim) : null;
            if (proofs.Count == 0)
            {
                if (boundRefresh is not null || client.RequiresDpop)
                {
                    context.Reject(DpopProofResult.InvalidProof, "This client must send a DPoP proof (RFC 9449) with its token requests.");
                }
                return;
            }
            var url = new Uri(Microsoft.AspNetCore.Http.Extensions.UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path));
            var result = await validator.ValidateAsync([.. proofs], request.Method, url, accessToken: null, nonces.IsValid, context.CancellationToken);
            if (!result.IsValid)
            {
                context.Reject(result.Error!, result.Description);
                return;
            }
            if (boundRefresh is not null && !string.Equals(boundRefresh, result.Thumbprint, StringComparison.Ordinal))
            {
                context.Reject(DpopProofResult.InvalidProof, "This refresh token is bound to another DPoP key.");
                return;
            }
            context.Transaction.Properties[ThumbprintProperty] = result.Thumbprint;
            if (client.IsPublic)
            {
                context.Transaction.Properties[ThumbprintProperty + ".public"] = true;
            }
        }

        private async ValueTask<(bool RequiresDpop, bool IsPublic)> ClientAsync(ValidateTokenRequestContext context)
        {
            if (VerifyClientFromSnapshot.Of(context.Transaction, context.ClientId) is { } snapshot)
            {
                return (snapshot.RequiresDpop, false); // verified from the snapshot only when confidential
            }
            if (string.IsNullOrEmpty(context.ClientId))
            {
                return (false, false);
            }
            var applications = requestServices.GetRequiredService<IOpenIddictApplicationManager>();
            if (await applications.FindByClientIdAsync(context.ClientId, context.CancellationToken) is not { } application)
            {
                return (false, false);
            }
            return (await IsRequiredAsync(applications, application, context.CancellationToken),
                await applications.HasClientTypeAsync(application, OpenIddictConstants.ClientTypes.Public, context.CancellationToken));
        }
    }

    internal sealed class AnnounceNonceAndTokenType(DpopNonces nonces) : IOpenIddictServerHandler<ApplyTokenResponseContext>
    {
        public ValueTask HandleAsync(ApplyTokenResponseContext context)
        {
            context.Transaction.GetHttpRequest()!.HttpContext.Response.Headers[DpopProofValidator.NonceHeaderName] = nonces.Current();
            if (context.Response.AccessToken is not null && context.Transaction.Properties.ContainsKey(ThumbprintProperty))
            {
                context.Response.TokenType = DpopProofValidator.Scheme;
            }
            return default;
        }
    }
}
