using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults;

/// <summary>The one call each service makes to get the platform's cross-cutting behaviour (eShop's ServiceDefaults).</summary>
public static class ServiceDefaultsExtensions
{
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        builder.AddStructuredLogging();
        builder.AddTelemetry();
        builder.AddRequestLimits();
        builder.Services.AddPlatformProblemDetails();
        builder.Services.AddStrictRequestJson();
        builder.Services.AddPlatformRateLimiting(builder.Configuration);
        builder.Services.AddHealthChecks();
        builder.Services.AddOpenApi();
        builder.AddRedisIfConfigured();
        builder.AddLocalDataProtectionUnlessRedis();
        builder.AddTokenValidation();
        return builder;
    }

    /// <summary>Middleware order matters: errors first so that everything after it answers problem+json.</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        // First of all, so that every answer, an error page or a rejection by a later middleware too, carries them.
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Authentication before the rate limiter, so signed-in callers get their own budget (by subject).
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthEndpoints();
        app.MapOpenApi().AllowAnonymous();
        return app;
    }
}
