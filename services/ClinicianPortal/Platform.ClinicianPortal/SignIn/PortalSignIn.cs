using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Dpop;

namespace Platform.ClinicianPortal.SignIn;

/// <summary>
/// Sign-in through the identity service with OpenID Connect: the public <c>clinician-portal</c> client, code + PKCE,
/// the answer at <c>/callback</c> (the registered redirect URI). The clinician's second factor is asked for by the
/// identity service; the portal admits only an ID token whose <c>acr</c> says it was given, and only clinicians.
/// The session is a cookie holding a key to a server-side ticket (<see cref="ServerSideTickets"/>, or
/// <see cref="RedisTickets"/> when Redis is configured) that keeps the tokens. The client is registered with
/// <c>RequireDpop</c>: the code exchange carries a DPoP proof by the portal's <see cref="DpopProofKey"/>, so the tokens
/// are bound to a key that never leaves this process (RFC 9449).
/// </summary>
public static class PortalSignIn
{
    public const string CookieScheme = "portal";
    public const string OidcScheme = "portal-oidc";
    public const string Policy = "clinician";
    public const string CallbackPath = "/callback";

    /// <summary>The scopes the portal asks for: who the clinician is, and the two APIs it calls on their behalf.</summary>
    public const string Scopes = "openid profile roles records consent.manage";

    public static WebApplicationBuilder AddPortalSignIn(this WebApplicationBuilder builder, PortalOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        var authority = TokenValidationSetup.ConfiguredAuthority(builder.Configuration)
            ?? throw new InvalidOperationException("The clinician portal signs clinicians in through the identity service: set Authentication:Authority.");
        // Several replicas (the chart) share the tickets in Redis; one process (the dev host, tests) keeps them in memory.
        if (RedisSetup.IsConfigured(builder.Configuration))
        {
            builder.Services.AddSingleton<ITicketStore, RedisTickets>();
        }
        else
        {
            builder.Services.AddSingleton<ITicketStore, ServerSideTickets>();
        }
        // The key lives as long as the container (its singleton wrapper owns it); replicas share it through Redis.
        builder.Services.AddSingleton(PortalDpopKey.Create);
        builder.Services.AddOptions<OpenIdConnectOptions>(OidcScheme)
            .Configure<DpopProofKey>((oidc, key) => oidc.BackchannelHttpHandler ??= new DpopHandler(key, IsTokenRequest) { InnerHandler = new HttpClientHandler() });
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieScheme)
            .Configure<ITicketStore>((cookie, tickets) => cookie.SessionStore = tickets);
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieScheme;
                o.DefaultChallengeScheme = OidcScheme;
            })
            .AddCookie(CookieScheme, cookie =>
            {
                cookie.Cookie.Name = "platform.portal";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = options.SessionLifetime;
                cookie.SlidingExpiration = false;
                cookie.AccessDeniedPath = "/access-denied";
                // No sign-in page of its own: an anonymous visitor goes to the identity service.
                cookie.ForwardChallenge = OidcScheme;
            })
            .AddOpenIdConnect(OidcScheme, oidc =>
            {
                oidc.Authority = authority;
                oidc.RequireHttpsMetadata = builder.Configuration.GetValue("Authentication:RequireHttpsMetadata", true);
                oidc.ClientId = options.ClientId;
                // A public client: no secret; PKCE binds the code to this browser's sign-in.
                oidc.ClientSecret = null;
                oidc.SignInScheme = CookieScheme;
                oidc.CallbackPath = CallbackPath;
                oidc.SignedOutCallbackPath = "/signout-callback";
                oidc.SignedOutRedirectUri = "/signed-out";
                oidc.ResponseType = "code";
                // Query, not form_post: the return works without JavaScript.
                oidc.ResponseMode = "query";
                oidc.UsePkce = true;
                oidc.Scope.Clear();
                foreach (var scope in Scopes.Split(' '))
                {
                    oidc.Scope.Add(scope);
                }
                oidc.MapInboundClaims = false;
                // The handler drops acr from the session by default; the portal's policy needs it on every request.
                oidc.ClaimActions.Remove("acr");
                oidc.GetClaimsFromUserInfoEndpoint = false;
                // Into the server-side ticket, not the browser: the APIs are called with the access token.
                oidc.SaveTokens = true;
                oidc.TokenValidationParameters.NameClaimType = "name";
                oidc.TokenValidationParameters.RoleClaimType = "role";
                oidc.CorrelationCookie.SameSite = SameSiteMode.Lax;
                oidc.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                oidc.NonceCookie.SameSite = SameSiteMode.Lax;
                oidc.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                oidc.Events.OnTokenValidated = context =>
                {
                    // The identity service asks clinicians for their TOTP code; the ID token's acr says whether it did.
                    if (context.Principal?.HasClaim("acr", PlatformPolicies.MultiFactorAcr) != true)
                    {
                        context.Fail("The clinician portal needs a sign-in with a second factor.");
                        return Task.CompletedTask;
                    }
                    // The session ends with its access token (minutes): the next page signs in again through the
                    // identity service's own session, so the portal never calls an API with an expired token.
                    if (int.TryParse(context.TokenEndpointResponse?.ExpiresIn, out var seconds) && seconds > 0)
                    {
                        context.Properties!.ExpiresUtc = DateTimeOffset.UtcNow.AddSeconds(seconds);
                    }
                    return Task.CompletedTask;
                };
                oidc.Events.OnRemoteFailure = context =>
                {
                    // A refused sign-in (no second factor, the person said no) ends on a page that says so, not a 500.
                    context.Response.Redirect("/access-denied?reason=" + Uri.EscapeDataString(context.Failure?.Message ?? "sign-in failed"));
                    context.HandleResponse();
                    return Task.CompletedTask;
                };
            });
        builder.Services.AddAuthorization(o => o.AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(CookieScheme)
            .RequireAuthenticatedUser()
            .RequireClaim("role", "clinician")
            .RequireClaim("acr", PlatformPolicies.MultiFactorAcr)));
        return builder;
    }

    /// <summary>The back-channel's form posts go to the token endpoint (discovery and JWKS are GETs and need no proof).</summary>
    private static bool IsTokenRequest(HttpRequestMessage request) => request.Method == HttpMethod.Post;
}
