using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Crypto;
using Platform.Hosting.DataProtection;
using Platform.Hosting.Idempotency;
using Platform.Messaging;
using Platform.Messaging.Revocation;
using Platform.ServiceDefaults;

namespace Platform.Hosting;

/// <summary>
/// Builds a service's application: defaults, its own database with outbox and inbox, the event bus and its
/// subscriptions, idempotency keys for the endpoints that take them, then its endpoints. A service's Program.cs, the dev host and the tests all go through here.
/// </summary>
public static class PlatformService
{
    public static WebApplication Build<TContext>(
        ServiceIdentity service,
        string[] args,
        Action<WebApplicationBuilder>? configureHost,
        Action<WebApplicationBuilder, EventBusBuilder>? configureServices,
        Action<WebApplication>? mapEndpoints)
        where TContext : DbContext
    {
        var builder = ServiceHost.CreateBuilder(service, args);
        // The caller's overrides (dev host ports, test databases) come first: everything below reads configuration.
        configureHost?.Invoke(builder);
        // Before the defaults' catch-all handler: exception handlers are asked in the order they were added.
        builder.Services.AddExceptionHandler<KeyProviderExceptionHandler>();
        builder.AddServiceDefaults();
        builder.AddServiceDatabase<TContext>();
        builder.AddKeysIfConfigured();
        var events = builder.AddEventBus<TContext>();
        builder.AddIdempotencyKeys<TContext>();
        events.AddTokenRevocations(builder.Configuration);
        configureServices?.Invoke(builder, events);

        var app = builder.Build();
        // Create the key provider now, so a misconfiguration (and the software provider's warning) shows at start.
        _ = app.Services.GetService<IKeyProvider>();
        app.UseServiceDefaults();
        app.UseIdempotencyKeys<TContext>();
        app.MapDefaultEndpoints();
        app.MapEventBus();
        app.MapServiceInfo(service);
        mapEndpoints?.Invoke(app);
        return app;
    }

    /// <summary>The key provider (<c>Keys:*</c>) and its readiness check, when the service is configured with one.</summary>
    private static void AddKeysIfConfigured(this WebApplicationBuilder builder)
    {
        var keys = builder.Configuration.GetSection("Keys");
        if (keys["Provider"] is null)
        {
            return;
        }
        builder.Services.AddKeyProvider(keys);
        // The Data Protection key ring (cookies, antiforgery, OpenIddict) is encrypted at rest with this provider's KEK.
        builder.Services.AddKeyRingEncryption(builder.Configuration["Service:Name"] ?? "platform");
        // Degraded, not unready: every pod shares the HSM, so no other pod could take the traffic; staying in the
        // Service lets each request that needs a key get 503 key_provider_unavailable with Retry-After.
        builder.Services.AddHealthChecks().AddCheck<KeyProviderHealthCheck>("keys", HealthStatus.Degraded, [HealthTags.Ready], TimeSpan.FromSeconds(5));
    }

    /// <summary><c>GET /</c>: which service answers, its version, and where its API description is.</summary>
    private static void MapServiceInfo(this WebApplication app, ServiceIdentity service)
    {
        var version = Assembly.Load(service.AssemblyName)
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        app.MapGet("/", () => Results.Ok(new { service = service.Name, version, openapi = "/openapi/v1.json", health = "/health/ready" }))
            .AllowAnonymous()
            .WithName("ServiceInfo")
            .WithSummary("Names the service and links its OpenAPI document and readiness endpoint.");
    }
}
