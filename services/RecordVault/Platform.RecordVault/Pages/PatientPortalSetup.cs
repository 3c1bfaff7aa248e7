using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.RecordVault.Api;
using Platform.RecordVault.Pages.Portal;
using Platform.RecordVault.Text;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.BackchannelLogout;
using Platform.WebUi;
using Platform.WebUi.Text;

namespace Platform.RecordVault.Pages;

/// <summary>
/// The patient portal (<c>/my</c>): server-rendered pages signed in through the identity service with OpenID Connect
/// (code + PKCE, confidential client <c>RecordVault:Pages:ClientId</c>, secret <c>RecordVault:Pages:ClientSecret</c>),
/// session in an encrypted cookie, as the consent service's pages. The session asks for the <c>records</c> scope, the
/// API's own: the pages are allowed for the patient role with that scope granted, and act through the same
/// <see cref="Records.RecordStore"/> as the API, so every read the pages show is decided and audited as an API read.
/// Registered only when an authority and a client secret are set.
/// </summary>
public static class PatientPortalSetup
{
    public const string CookieScheme = "vault-pages";
    public const string OidcScheme = "vault-oidc";
    public const string Policy = "patient-portal";

    public static WebApplicationBuilder AddPatientPortal(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var authority = TokenValidationSetup.ConfiguredAuthority(builder.Configuration);
        var clientSecret = builder.Configuration["RecordVault:Pages:ClientSecret"];
        if (authority is null || string.IsNullOrWhiteSpace(clientSecret))
        {
            return builder;
        }
        builder.Services.AddOptions<PortalOptions>().Bind(builder.Configuration.GetSection("RecordVault:Pages")).ValidateOnStart();
        builder.Services.AddAuthentication()
            .AddCookie(CookieScheme, cookie =>
            {
                cookie.Cookie.Name = "platform.records";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(1);
                cookie.AccessDeniedPath = "/access-denied";
                cookie.ForwardChallenge = OidcScheme;
            })
            .AddOpenIdConnect(OidcScheme, oidc =>
            {
                oidc.Authority = authority;
                oidc.RequireHttpsMetadata = builder.Configuration.GetValue("Authentication:RequireHttpsMetadata", true);
                oidc.ClientId = builder.Configuration["RecordVault:Pages:ClientId"] ?? PortalOptions.DefaultClientId;
                oidc.ClientSecret = clientSecret;
                oidc.SignInScheme = CookieScheme;
                oidc.ResponseType = "code";
                // Query, not form_post: the return works without JavaScript.
                oidc.ResponseMode = "query";
                oidc.UsePkce = true;
                oidc.Scope.Clear();
                oidc.Scope.Add("openid");
                oidc.Scope.Add("roles");
                oidc.Scope.Add(RecordEndpoints.Scope);
                oidc.MapInboundClaims = false;
                oidc.GetClaimsFromUserInfoEndpoint = false;
                oidc.SaveTokens = false;
                oidc.TokenValidationParameters.NameClaimType = "sub";
                oidc.TokenValidationParameters.RoleClaimType = "role";
                oidc.CorrelationCookie.SameSite = SameSiteMode.Lax;
                oidc.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                oidc.NonceCookie.SameSite = SameSiteMode.Lax;
                oidc.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                oidc.Events.OnTokenValidated = context =>
                {
                    // The identity token names no scopes: the granted ones come with the token response. Kept as the
                    // session's scope claim so that the policy asks for the API's scope exactly as the API does.
                    if (context.TokenEndpointResponse?.Scope is { Length: > 0 } granted && context.Principal?.Identity is ClaimsIdentity identity)
                    {
                        identity.AddClaim(new Claim("scope", granted));
                    }
                    return Task.CompletedTask;
                };
            });
        builder.Services.AddAuthorization(options => options.AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(CookieScheme)
            .RequireAuthenticatedUser()
            .RequireClaim("role", "patient")
            .RequireScope(RecordEndpoints.Scope)));
        builder.AddBackchannelLogoutReceiver(CookieScheme, OidcScheme);
        builder.Services.AddSingleton<PatientPortalEnabled>();
        builder.Services.AddScoped<PatientRecordReader>();
        builder.Services.AddScoped<PatientNotifications>();
        builder.Services.AddSingleton<AccessReceiptCheck>();
        builder.Services.AddSingleton<ReplicaKeySource>();
        builder.Services.AddHttpClient(ReplicaKeySource.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(5));
        var consents = builder.Configuration.GetSection("RecordVault:Pages").Get<PortalOptions>()?.ConsentsLink ?? "/my/consents";
        builder.Services.AddPageLocalization();
        builder.Services.AddRazorPages(pages => pages.Conventions.AuthorizeFolder("/My", Policy))
            // The pages live in this assembly, which is not the entry assembly under the dev host or the tests.
            .AddApplicationPart(typeof(RecordVaultService).Assembly)
            // One navigation for the patient across services: the consent pages live on the consent service. The
            // overview is the header's home link (/my): as a navigation link it would be marked current on every page below it.
            .AddWebUi(new ServiceNavigation("/my",
            [
                new NavigationLink(() => PatientPortalText.Get("NavRecords"), "/my/records", SignedInOnly: true),
                new NavigationLink(() => PatientPortalText.Get("NavAccessLog"), "/my/access-log", SignedInOnly: true),
                new NavigationLink(() => PatientPortalText.Get("NavConsents"), consents, SignedInOnly: true),
                new NavigationLink(() => PatientPortalText.Get("NavNotifications"), "/my/notifications", SignedInOnly: true),
                new NavigationLink(() => PatientPortalText.Get("NavExport"), "/my/export", SignedInOnly: true),
            ]));
        return builder;
    }

    public static WebApplication MapPatientPortal(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<PatientPortalEnabled>() is not null)
        {
            // Before the pages' endpoints run: their words follow the browser's Accept-Language (only the words).
            app.UsePageLocalization();
            app.MapRazorPages();
            app.MapWebUiAssets();
            app.MapBackchannelLogout(OidcScheme);
        }
        return app;
    }
}

/// <summary>Marks that the portal was registered (an authority and a client secret were configured).</summary>
internal sealed class PatientPortalEnabled;
