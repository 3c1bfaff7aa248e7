using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Vci;

/// <summary>
/// The OpenID4VCI pre-authorized code grant (<c>urn:ietf:params:oauth:grant-type:pre-authorized_code</c>) as an
/// OpenIddict custom grant at <c>/connect/token</c>. Wallets are anonymous here (OpenID4VCI §6.1: client
/// authentication is optional for this grant): a request without <c>client_id</c> is treated as coming from the
/// registered public client <see cref="AnonymousWalletClientId"/>, which may use this grant and nothing else, so
/// OpenIddict's client checks still run and no other grant becomes anonymous.
/// </summary>
public static class PreAuthorizedCodeGrant
{
    public const string GrantType = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
    public const string CodeParameter = "pre-authorized_code";
    public const string TxCodeParameter = "tx_code";
    public const string AnonymousWalletClientId = "openid4vci-wallet";

    public static OpenIddictServerBuilder AddPreAuthorizedCodeGrant(this OpenIddictServerBuilder options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AllowCustomFlow(GrantType);
        // After the request is read, before the client is looked up: no client_id means the anonymous wallet client.
        options.AddEventHandler<OpenIddictServerEvents.ExtractTokenRequestContext>(handler => handler
            .UseInlineHandler(context =>
            {
                if (context.Request is { GrantType: GrantType } request && string.IsNullOrEmpty(request.ClientId) &&
                    string.IsNullOrEmpty(request.ClientAssertion))
                {
                    request.ClientId = AnonymousWalletClientId;
                }
                return default;
            })
            .SetOrder(int.MaxValue - 50_000)
            .SetType(OpenIddictServerHandlerType.Custom));
        // OpenID4VCI §12.3: tell wallets they need no client registration for this grant.
        options.AddEventHandler<OpenIddictServerEvents.HandleConfigurationRequestContext>(handler => handler
            .UseInlineHandler(context =>
            {
                context.Metadata["pre-authorized_grant_anonymous_access_supported"] = true;
                return default;
            })
            .SetOrder(int.MaxValue - 50_000)
            .SetType(OpenIddictServerHandlerType.Custom));
        return options;
    }

    /// <summary>The token endpoint's answer to this grant (OpenIddict has validated the client and the grant type).</summary>
    public static async Task<IResult> ExchangeAsync(HttpContext context, OpenIddictRequest request)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        var offers = context.RequestServices.GetRequiredService<CredentialOffers>();
        var redemption = await offers.RedeemAsync((string?)request[CodeParameter], (string?)request[TxCodeParameter], context.RequestAborted);
        if (redemption.OwnerId is null)
        {
            return Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = redemption.Error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = redemption.Description,
            }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }
        var identity = new ClaimsIdentity(authenticationType: "platform", nameType: Claims.Name, roleType: Claims.Role);
        identity.SetClaim(Claims.Subject, redemption.OwnerId);
        // Valid only for the credential offered (§6.1), and only at this service.
        identity.SetScopes(CredentialIssuerMetadata.Scope);
        identity.SetResources("identity");
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }
}
