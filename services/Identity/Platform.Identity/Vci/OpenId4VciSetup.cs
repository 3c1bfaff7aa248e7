using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Identity.Vci;

/// <summary>OpenID4VCI issuance, on whenever KYC is (it issues the KYC credential): services, the grant, the endpoints.</summary>
public static class OpenId4VciSetup
{
    public static WebApplicationBuilder AddOpenId4Vci(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<CredentialNonces>();
        builder.Services.AddScoped<CredentialOffers>();
        builder.Services.AddAuthorization(OpenId4VciEndpoints.AddPolicies);
        builder.Services.AddOpenIddict().AddServer(options => options.AddPreAuthorizedCodeGrant().AddCredentialAuthorizationDetails());
        builder.Services.AddHostedService<AnonymousWalletClientSeeder>();
        return builder;
    }
}
