using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Hosting.Idempotency;

/// <summary>Wires idempotency keys into a service (done by <see cref="PlatformService"/> for every service).</summary>
public static class IdempotencySetup
{
    public static WebApplicationBuilder AddIdempotencyKeys<TContext>(this WebApplicationBuilder builder) where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<IdempotencyOptions>().Bind(builder.Configuration.GetSection(IdempotencyOptions.Section)).ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<IdempotencyCleanup<TContext>>();
        return builder;
    }

    /// <summary>After authentication, authorization and rate limiting: a key is claimed only for a request that may run.</summary>
    public static WebApplication UseIdempotencyKeys<TContext>(this WebApplication app) where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<IdempotencyMiddleware<TContext>>();
        return app;
    }
}
