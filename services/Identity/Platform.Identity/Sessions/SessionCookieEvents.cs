using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Platform.Identity.Sessions;

/// <summary>
/// Ties the identity cookie to a <see cref="SignInSession"/>: issuing a cookie starts a session (and ends the one the
/// browser had), every request with a cookie checks that its session is still live, and removing the cookie ends it.
/// </summary>
public static class SessionCookieEvents
{
    public static void Attach(CookieAuthenticationEvents events)
    {
        // Identity's own check (the security stamp) stays first; ours runs on what it lets through.
        var securityStamp = events.OnValidatePrincipal;
        events.OnValidatePrincipal = async context =>
        {
            await securityStamp(context);
            if (context.Principal is not null)
            {
                await ValidateAsync(context);
            }
        };
        events.OnSigningIn = SigningInAsync;
        events.OnSigningOut = SigningOutAsync;
    }

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var sessions = context.HttpContext.RequestServices.GetRequiredService<SignInSessions>();
        var id = SignInSessions.IdOf(context.Properties);
        var userId = UserIdOf(context.HttpContext, context.Principal!);
        if (id is null || userId is null || !await sessions.IsLiveAsync(id, userId, context.HttpContext.RequestAborted))
        {
            // Logged out, revoked, replaced, or a cookie from before sessions existed: it is no longer anyone's.
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(context.Scheme.Name);
        }
    }

    private static async Task SigningInAsync(CookieSigningInContext context)
    {
        var sessions = context.HttpContext.RequestServices.GetRequiredService<SignInSessions>();
        var userId = UserIdOf(context.HttpContext, context.Principal!) ?? throw new InvalidOperationException("A sign-in without a user id.");
        var cancellationToken = context.HttpContext.RequestAborted;
        var carried = SignInSessions.IdOf(context.Properties);
        if (carried is not null && await sessions.IsLiveAsync(carried, userId, cancellationToken))
        {
            // The same session re-issued (Identity refreshing the cookie after a profile change): keep it.
            return;
        }
        if (RequestSessionId(context.HttpContext, context.Options) is { } previous && previous != carried)
        {
            // A new sign-in on this browser: the cookie it replaces must not stay usable in anyone else's hands.
            await sessions.EndAsync(previous, SessionEndReasons.Replaced, revokeTokens: false, cancellationToken);
        }
        var expiresAt = context.Properties.ExpiresUtc
            ?? context.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow() + context.Options.ExpireTimeSpan;
        context.Properties.Items[SignInSessions.PropertyKey] = await sessions.StartAsync(userId, expiresAt, cancellationToken);
    }

    private static async Task SigningOutAsync(CookieSigningOutContext context)
    {
        if (RequestSessionId(context.HttpContext, context.Options) is { } id)
        {
            var sessions = context.HttpContext.RequestServices.GetRequiredService<SignInSessions>();
            await sessions.EndAsync(id, SessionEndReasons.SignedOut, revokeTokens: false, context.HttpContext.RequestAborted);
        }
    }

    /// <summary>
    /// The session of the cookie this request came with, read from the cookie itself: asking the handler to
    /// authenticate again from inside its own events could wait on itself.
    /// </summary>
    private static string? RequestSessionId(HttpContext http, CookieAuthenticationOptions options)
    {
        var cookie = options.CookieManager.GetRequestCookie(http, options.Cookie.Name!);
        return string.IsNullOrEmpty(cookie) ? null : SignInSessions.IdOf(options.TicketDataFormat.Unprotect(cookie)?.Properties);
    }

    private static string? UserIdOf(HttpContext http, ClaimsPrincipal principal)
    {
        var claimType = http.RequestServices.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.UserIdClaimType;
        return principal.FindFirstValue(claimType);
    }
}
