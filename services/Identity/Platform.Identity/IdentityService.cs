using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Platform.Hosting;
using Platform.Identity.Accounts;
using Platform.Identity.Admin;
using Platform.Identity.Data;
using Platform.Identity.Kyc;
using Platform.Identity.Oidc;
using Platform.Identity.Pages;
using Platform.Identity.Smart;
using Platform.Identity.Text;
using Platform.Identity.Verification;
using Platform.ServiceDefaults;
using Platform.WebUi;
using Platform.WebUi.Text;

namespace Platform.Identity;

/// <summary>Composes the identity service; its own Program.cs, the dev host and the tests all start it here.</summary>
public static class IdentityService
{
    public static readonly ServiceIdentity Identity = ServiceIdentity.For<IdentityServiceDbContext>("identity");

    /// <summary>The service's Program.cs: <c>migrate</c> applies its database's migrations and exits, anything else runs it.</summary>
    public static Task<int> RunAsync(string[] args) =>
        ServiceProgram.RunAsync<IdentityServiceDbContext>(Identity, args, a => Build(a));

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configureHost = null) =>
        PlatformService.Build<IdentityServiceDbContext>(Identity, args, configureHost,
            configureServices: (builder, _) =>
            {
                builder.AddAccounts();
                builder.AddOidcServer();
                builder.AddSmartAppLaunch();
                builder.Services.AddPageLocalization();
                // The pages live in this assembly, which is not the entry assembly under the dev host or the tests.
                builder.Services.AddRazorPages(pages => pages.Conventions.AuthorizeFolder("/Kyc", KycSetup.ReviewerPagesPolicy).AuthorizeFolder("/Onboarding"))
                    .AddApplicationPart(typeof(IdentityService).Assembly)
                    // The page models' validation messages are keys of IdentityText, said in the page's language.
                    .AddDataAnnotationsLocalization(options => options.DataAnnotationLocalizerProvider = (_, factory) => factory.Create(typeof(IdentityText)))
                    .AddWebUi(IdentityNavigation.Create());
                builder.Services.AddAuthorization(AdminEndpoints.AddAdminPolicy);
                builder.Services.AddHostedService<AccountSeeder>();
                builder.AddKyc();
            },
            mapEndpoints: app =>
            {
                app.UseIdentityPageLocalization();
                app.MapRazorPages();
                app.MapWebUiAssets();
                app.MapPageScript(typeof(IdentityService).Assembly, "Platform.Identity.kyc-mrz.js", "/assets/kyc-mrz.js");
                app.MapPageScript(typeof(IdentityService).Assembly, "Platform.Identity.kyc-credential.js", "/assets/kyc-credential.js");
                app.MapAuthorizationEndpoints();
                app.MapAdminEndpoints();
                app.MapKycIfEnabled();
            });
}
