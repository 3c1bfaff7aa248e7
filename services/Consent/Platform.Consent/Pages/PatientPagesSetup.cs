using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Consent.Text;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.BackchannelLogout;
using Platform.WebUi;
using Platform.WebUi.Text;

namespace Platform.Consent.Pages;

/// <summary>
/// The patients' consent pages (<c>/my/consents</c>): server-rendered, signed in through the identity service
/// with OpenID Connect (code + PKCE, confidential client <c>Consent:Pages:ClientId</c>, secret
/// <c>Consent:Pages:ClientSecret</c>), session in an encrypted cookie. Registered only when an authority is set.
/// </summary>
public static class PatientPagesSetup
{
    public const string CookieScheme = "consent-pages";
    public const string OidcScheme = "consent-oidc";
    public const string Policy = "patient-pages";

    public static WebApplicationBuilder AddPatientPages(this WebApplicationBuilder builder)
    {
        var authority = TokenValidationSetup.ConfiguredAuthority(builder.Configuration);
        var clientSecret = builder.Configuration["Consent:Pages:ClientSecret"];
        if (authority is null || string.IsNullOrWhiteSpace(clientSecret))
        {
            return builder;
        }
        builder.Services.AddAuthentication()
            .AddCookie(CookieScheme, cookie =>
            {
                cookie.Cookie.Name = "platform.consent";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax;
                cookie.ExpireTimeSpan = TimeSpan.FromHours(1);
                cookie.AccessDeniedPath = "/access-denied";
                cookie.ForwardChallenge = OidcScheme;
            })
            .AddOpenIdConnect(OidcScheme, oidc =>
            {
                oidc.Authority = authority;
                oidc.RequireHttpsMetadata = builder.Configuration.GetValue("Authentication:RequireHttpsMetadata", true);
                oidc.ClientId = builder.Configuration["Consent:Pages:ClientId"] ?? "consent-pages";
                oidc.ClientSecret = clientSecret;
                oidc.SignInScheme = CookieScheme;
                oidc.ResponseType = "code";
                // Query, not form_post: the return works without JavaScript.
                oidc.ResponseMode = "query";
                oidc.UsePkce = true;
                oidc.Scope.Clear();
                oidc.Scope.Add("openid");
                oidc.Scope.Add("roles");
                oidc.MapInboundClaims = false;
                oidc.GetClaimsFromUserInfoEndpoint = false;
                oidc.SaveTokens = false;
                oidc.TokenValidationParameters.NameClaimType = "sub";
                oidc.TokenValidationParameters.RoleClaimType = "role";
                // The answer comes back as a top-level GET (query mode), so Lax cookies suffice; SameAsRequest keeps
                // them Secure behind TLS while the dev host's plain-HTTP loopback still works.
                oidc.CorrelationCookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax;
                oidc.CorrelationCookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
                oidc.NonceCookie.SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax;
                oidc.NonceCookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
            });
        builder.Services.AddAuthorization(options => options.AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(CookieScheme)
            .RequireAuthenticatedUser()
            .RequireClaim("role", "patient")));
        builder.AddBackchannelLogoutReceiver(CookieScheme, OidcScheme);
        builder.Services.AddSingleton<PatientPagesEnabled>();
        builder.Services.AddPageLocalization();
        builder.Services.AddRazorPages(pages => pages.Conventions.AuthorizeFolder("/My", Policy))
            // The pages live in this assembly, which is not the entry assembly under the dev host or the tests.
            .AddApplicationPart(typeof(ConsentService).Assembly)
            .AddWebUi(new ServiceNavigation("/my/consents",
            [
                new NavigationLink(() => ConsentPagesText.Get("NavConsents"), "/my/consents", SignedInOnly: true),
                new NavigationLink(() => ConsentPagesText.Get("NavRequests"), "/my/requests", SignedInOnly: true),
                new NavigationLink(() => ConsentPagesText.Get("NavResearch"), "/my/research", SignedInOnly: true),
            ]));
        return builder;
    }

    public static WebApplication MapPatientPages(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<PatientPagesEnabled>() is not null)
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

/// <summary>Marks that the pages were registered (an authority and a client secret were configured).</summary>
internal sealed class PatientPagesEnabled;
