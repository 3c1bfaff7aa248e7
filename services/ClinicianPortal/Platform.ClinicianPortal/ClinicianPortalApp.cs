using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Platform.ClinicianPortal.Apis;
using Platform.ClinicianPortal.SignIn;
using Platform.ClinicianPortal.Text;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.BackchannelLogout;
using Platform.WebUi;
using Platform.WebUi.Text;

namespace Platform.ClinicianPortal;

/// <summary>
/// Composes the clinician portal; its Program.cs, the dev host (port 5173, the <c>clinician-portal</c> client's
/// registered origin) and the tests start it here. No database: what it shows comes from the consent service and the
/// record vault, called with the signed-in clinician's own access token, which stays on the server.
/// </summary>
public static class ClinicianPortalApp
{
    public static readonly ServiceIdentity Identity = ServiceIdentity.For<PortalOptions>("clinician-portal");

    /// <summary>The header's links, all for the signed-in clinician.</summary>
    /// <remarks>Built once; each link's words are looked up when a page is drawn, in the request's language.</remarks>
    public static readonly ServiceNavigation Navigation = new("/",
    [
        new NavigationLink(() => PortalText.Get("NavMyPatients"), "/", SignedInOnly: true),
        new NavigationLink(() => PortalText.Get("NavRequestAccess"), "/request-access", SignedInOnly: true),
        new NavigationLink(() => PortalText.Get("NavHistory"), "/history", SignedInOnly: true),
        new NavigationLink(() => PortalText.Get("NavEmergency"), "/break-glass", SignedInOnly: true),
        new NavigationLink(() => PortalText.Get("NavSignOut"), "/sign-out", SignedInOnly: true),
    ]);

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configureHost = null)
    {
        var builder = ServiceHost.CreateBuilder(Identity, args);
        configureHost?.Invoke(builder);
        builder.AddStructuredLogging();
        builder.AddRequestLimits();
        builder.Services.AddPlatformProblemDetails();
        builder.Services.AddPlatformRateLimiting(builder.Configuration);
        builder.Services.AddHealthChecks();
        // With Redis (the chart): the Data Protection key ring shared by the replicas, and a readiness check.
        builder.AddRedisIfConfigured();
        builder.AddLocalDataProtectionUnlessRedis();
        var options = builder.Configuration.GetSection("Portal").Get<PortalOptions>() ?? new PortalOptions();
        builder.Services.AddOptions<PortalOptions>().Bind(builder.Configuration.GetSection("Portal")).ValidateOnStart();
        builder.AddPortalSignIn(options);
        builder.AddBackchannelLogoutReceiver(PortalSignIn.CookieScheme, PortalSignIn.OidcScheme);
        builder.Services.AddPlatformApis(options);
        builder.Services.AddPageLocalization();
        builder.Services.AddRazorPages(pages =>
            {
                pages.Conventions.AuthorizeFolder("/", PortalSignIn.Policy);
                pages.Conventions.AllowAnonymousToPage("/SignedOut");
                pages.Conventions.AllowAnonymousToPage("/AccessDenied");
            })
            // The pages live in this assembly, which is not the entry assembly under the dev host or the tests.
            .AddApplicationPart(typeof(ClinicianPortalApp).Assembly)
            .AddWebUi(Navigation);

        var app = builder.Build();
        app.UseSecurityHeaders();
        app.UsePageLocalization();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapHealthEndpoints();
        app.MapWebUiAssets();
        app.MapBackchannelLogout(PortalSignIn.OidcScheme);
        app.MapRazorPages().RequireRateLimiting(RateLimitPolicies.PerClient);
        return app;
    }
}
