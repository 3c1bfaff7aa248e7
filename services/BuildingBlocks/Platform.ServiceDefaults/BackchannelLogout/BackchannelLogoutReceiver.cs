using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.BackchannelLogout;

/// <summary>
/// The platform's own web applications as OpenID Connect Back-Channel Logout 1.0 relying parties: a
/// <c>POST /backchannel-logout</c> endpoint that takes a logout token from the identity service
/// (<see cref="LogoutTokenValidator"/>, then the <c>jti</c> replay check) and records the ended session in
/// <see cref="IEndedSessions"/>; and a check on every request with the app's cookie that refuses (and deletes) a
/// cookie whose <c>sid</c> was ended, or whose <c>sub</c> was logged out everywhere after the cookie was issued.
/// </summary>
public static class BackchannelLogoutReceiver
{
    public const string Path = "/backchannel-logout";

    /// <summary>Adds the ended-session store (Redis when configured, shared by replicas) and the check to the cookie scheme.</summary>
    public static WebApplicationBuilder AddBackchannelLogoutReceiver(this WebApplicationBuilder builder, string cookieScheme, string oidcScheme)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(TimeProvider.System);
        if (RedisSetup.IsConfigured(builder.Configuration))
        {
            var service = builder.Configuration["Service:Name"] ?? "service";
            // A host that connected Redis (AddServiceDefaults, or AddRedisIfConfigured as the clinician portal does)
            // shares the list with its replicas; one that did not keeps it in memory.
            builder.Services.TryAddSingleton<IEndedSessions>(sp => sp.GetService<StackExchange.Redis.IConnectionMultiplexer>() is { } redis
                ? new RedisEndedSessions(redis, service, sp.GetRequiredService<TimeProvider>())
                : new InMemoryEndedSessions(sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            builder.Services.TryAddSingleton<IEndedSessions, InMemoryEndedSessions>();
        }
        builder.Services.AddOptions<CookieAuthenticationOptions>(cookieScheme).PostConfigure<IOptionsMonitor<OpenIdConnectOptions>>((cookie, oidc) =>
        {
            var clientId = oidc.Get(oidcScheme).ClientId ?? "";
            var inner = cookie.Events.OnValidatePrincipal;
            cookie.Events.OnValidatePrincipal = async context =>
            {
                await inner(context);
                if (context.Principal is { } principal && await HasEndedAsync(context.HttpContext, clientId, principal, context.Properties))
                {
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(cookieScheme);
                }
            };
        });
        return builder;
    }

    /// <summary>Maps <c>POST /backchannel-logout</c> for the client of <paramref name="oidcScheme"/>; anonymous, because the logout token is the credential.</summary>
    public static IEndpointConventionBuilder MapBackchannelLogout(this IEndpointRouteBuilder app, string oidcScheme)
    {
        ArgumentNullException.ThrowIfNull(app);
        Func<HttpContext, Task<IResult>> receive = context => ReceiveAsync(context, oidcScheme);
        return app.MapPost(Path, receive)
            .AllowAnonymous()
            .DisableAntiforgery()
            .ExcludeFromDescription();
    }

    private static async Task<IResult> ReceiveAsync(HttpContext context, string oidcScheme)
    {
        context.Response.Headers.CacheControl = "no-store";
        if (!context.Request.HasFormContentType)
        {
            return Refuse("The logout token comes as application/x-www-form-urlencoded.");
        }
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (!form.TryGetValue("logout_token", out var values) || values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            return Refuse("logout_token is required, once.");
        }
        var options = context.RequestServices.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get(oidcScheme);
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        var clientId = options.ClientId ?? "";
        var configuration = await options.ConfigurationManager!.GetConfigurationAsync(context.RequestAborted);
        var result = await LogoutTokenValidator.ValidateAsync(values[0]!, configuration, clientId, time);
        if (result.KeyUnknown)
        {
            // A key published since the last fetch: fetch the JWKS again (the manager limits how often) and retry once.
            options.ConfigurationManager.RequestRefresh();
            configuration = await options.ConfigurationManager.GetConfigurationAsync(context.RequestAborted);
            result = await LogoutTokenValidator.ValidateAsync(values[0]!, configuration, clientId, time);
        }
        if (!result.IsValid)
        {
            return Refuse(result.Error!);
        }
        var ended = context.RequestServices.GetRequiredService<IEndedSessions>();
        if (!await ended.TryUseTokenIdAsync(clientId, result.Jti!, new DateTimeOffset(result.ExpiresAt, TimeSpan.Zero) + TimeSpan.FromMinutes(1), context.RequestAborted))
        {
            return Refuse("This logout token was used before.");
        }
        await ended.EndAsync(clientId, result.Sid, result.Subject, time.GetUtcNow(), context.RequestAborted);
        return Results.Ok();
    }

    // §2.8: a refused logout is 400, with an OAuth-style error body.
    private static IResult Refuse(string description) =>
        Results.Json(new { error = "invalid_request", error_description = description }, statusCode: StatusCodes.Status400BadRequest);

    private static async Task<bool> HasEndedAsync(HttpContext http, string clientId, ClaimsPrincipal principal, AuthenticationProperties properties)
    {
        var sid = principal.FindFirstValue("sid");
        var subject = principal.FindFirstValue("sub");
        if (sid is null && subject is null)
        {
            return false;
        }
        var ended = http.RequestServices.GetRequiredService<IEndedSessions>();
        return await ended.HasEndedAsync(clientId, sid, subject, properties.IssuedUtc, http.RequestAborted);
    }
}
