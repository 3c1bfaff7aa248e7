using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Logout;

/// <summary>Registers back-channel logout: the token issuer, the notifier, the background delivery and its HTTP client.</summary>
public static class BackchannelLogoutSetup
{
    public static WebApplicationBuilder AddBackchannelLogout(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<LogoutTokenIssuer>();
        builder.Services.AddScoped<BackchannelLogoutNotifier>();
        builder.Services.AddSingleton<BackchannelLogoutDelivery>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BackchannelLogoutDelivery>());
        builder.Services.AddHttpClient(BackchannelLogoutDelivery.HttpClientName, http => http.Timeout = BackchannelLogoutDelivery.AttemptTimeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });
        return builder;
    }

    /// <summary>Discovery says so (Back-Channel Logout 1.0 §2.1): logout tokens are sent, and carry <c>sid</c> for a session's logout.</summary>
    public static OpenIddictServerBuilder AddBackchannelLogoutDiscovery(this OpenIddictServerBuilder server) =>
        server.AddEventHandler<ApplyConfigurationResponseContext>(handler => handler.UseInlineHandler(context =>
        {
            if (context.Error is null)
            {
                context.Response["backchannel_logout_supported"] = true;
                context.Response["backchannel_logout_session_supported"] = true;
            }
            return default;
        }).SetOrder(0));
}
