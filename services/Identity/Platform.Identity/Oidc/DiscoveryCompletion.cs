using OpenIddict.Abstractions;
using OpenIddict.Server;
using Platform.Crypto;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Oidc;

/// <summary>
/// The discovery fields OpenIddict leaves out although this provider needs them:
/// <c>token_endpoint_auth_signing_alg_values_supported</c> and its introspection and revocation equivalents (RFC 8414
/// §2: they MUST be present when <c>private_key_jwt</c> is offered there), and <c>acr_values_supported</c> (OpenID
/// Connect Discovery 1.0 §3; the tokens carry <c>acr</c>).
/// </summary>
public static class DiscoveryCompletion
{
    /// <summary>
    /// Algorithms a <c>private_key_jwt</c> client assertion may be signed with. <c>none</c> and HMAC are never accepted
    /// (RFC 8414 forbids advertising <c>none</c>; no client has a shared key to make an HMAC assertion with).
    /// </summary>
    public static readonly IReadOnlyList<string> ClientAssertionAlgorithms = [KeyAlgorithms.ES256, KeyAlgorithms.RS256];

    /// <summary>The <c>acr</c> values tokens carry (how the user signed in).</summary>
    public static readonly IReadOnlyList<string> AcrValues = [PlatformClaims.AcrPassword, PlatformClaims.AcrMultiFactor];

    // On the response: OpenIddict fills the *_auth_methods_supported lists after the request handlers have run.
    public static OpenIddictServerBuilder AddDiscoveryCompletion(this OpenIddictServerBuilder server) =>
        server.AddEventHandler<ApplyConfigurationResponseContext>(handler => handler.UseInlineHandler(context =>
        {
            if (context.Error is not null)
            {
                return default;
            }
            foreach (var endpoint in (string[])["token_endpoint", "introspection_endpoint", "revocation_endpoint"])
            {
                string?[] methods = context.Response.GetParameter(endpoint + "_auth_methods_supported") is { } listed ? [.. listed.GetUnnamedParameters().Select(p => (string?)p)] : [];
                if (methods.Contains(OpenIddictConstants.ClientAuthenticationMethods.PrivateKeyJwt))
                {
                    context.Response[endpoint + "_auth_signing_alg_values_supported"] = new OpenIddictParameter([.. ClientAssertionAlgorithms]);
                }
            }
            context.Response["acr_values_supported"] = new OpenIddictParameter([.. AcrValues]);
            context.Response["dpop_signing_alg_values_supported"] = new OpenIddictParameter([.. Platform.ServiceDefaults.Dpop.DpopProofValidator.Algorithms]);
            return default;
        }).SetOrder(0));
}
