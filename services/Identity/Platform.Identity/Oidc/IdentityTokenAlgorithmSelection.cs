using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Platform.Crypto;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Oidc;

/// <summary>
/// Signs a client's ID tokens with RS256 when its registration says <c>id_token_signed_response_alg: RS256</c>
/// (OpenID Connect Dynamic Client Registration 1.0 §2 names the field); every other token, and every other
/// client's ID tokens, stay ES256. Runs right after OpenIddict picked its default credentials.
/// </summary>
public static class IdentityTokenAlgorithmSelection
{
    /// <summary>The application property holding the client's choice (absent: ES256).</summary>
    public const string PropertyName = "id_token_signed_response_alg";

    public static readonly IReadOnlyList<string> SupportedAlgorithms = [KeyAlgorithms.ES256, KeyAlgorithms.RS256];

    public static OpenIddictServerBuilder AddIdentityTokenAlgorithmSelection(this OpenIddictServerBuilder server) =>
        server.AddEventHandler<GenerateTokenContext>(handler => handler
            .UseScopedHandler<Handler>()
            .SetOrder(OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order + 1)
            .SetType(OpenIddictServerHandlerType.Custom));

    /// <summary>The algorithm a stored application asked for, or null (the default, ES256).</summary>
    public static async Task<string?> RequestedAlgorithmAsync(IOpenIddictApplicationManager applications, object application, CancellationToken cancellationToken)
    {
        var properties = await applications.GetPropertiesAsync(application, cancellationToken);
        return properties.TryGetValue(PropertyName, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }

    // The application manager is taken from the request's services only for an identity token: built for every token
    // (access tokens included) it leased a database context per token request (issue 18).
    internal sealed class Handler(IServiceProvider requestServices, SigningKeyRing ring) : IOpenIddictServerHandler<GenerateTokenContext>
    {
        public async ValueTask HandleAsync(GenerateTokenContext context)
        {
            if (context.TokenType != OpenIddictConstants.TokenTypeIdentifiers.IdentityToken || string.IsNullOrEmpty(context.ClientId))
            {
                return;
            }
            var applications = requestServices.GetRequiredService<IOpenIddictApplicationManager>();
            // OpenIddict caches applications by client id, so this is not a database read per token.
            if (await applications.FindByClientIdAsync(context.ClientId, context.CancellationToken) is { } application &&
                await RequestedAlgorithmAsync(applications, application, context.CancellationToken) == KeyAlgorithms.RS256)
            {
                context.SigningCredentials = ring.ActiveRsa;
            }
        }
    }
}
