using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Platform.Contracts;
using Platform.Messaging.Dapr;
using Platform.Messaging.InProcess;
using Platform.Messaging.Outbox;
using Platform.ServiceDefaults;

namespace Platform.Messaging;

/// <summary>
/// Wires the event bus for a service whose own database (<typeparamref name="TContext"/>) holds the outbox and inbox.
/// The transport comes from <c>EventBus:Transport</c>.
/// </summary>
public static class EventBusSetup
{
    public static EventBusBuilder AddEventBus<TContext>(this WebApplicationBuilder builder) where TContext : DbContext
    {
        var options = builder.Configuration.GetSection("EventBus").Get<EventBusOptions>() ?? new EventBusOptions();
        var services = builder.Services;
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SubscriptionRegistry>();
        services.AddSingleton<IEventDispatcher, EventDispatcher<TContext>>();
        services.AddScoped<AfterHandlerCommit>();
        services.TryAddSingleton<OutboxWakeup>();
        services.AddOptions<OutboxOptions>().Bind(builder.Configuration.GetSection("EventBus:Outbox")).ValidateOnStart();

        // IEventBus is only added when none is registered yet, so a host may wrap or replace the transport.
        switch (options.Transport)
        {
            case EventTransport.Dapr:
                services.TryAddSingleton(_ => DaprSidecar.FromEnvironment(key => builder.Configuration[key]));
                services.AddHttpClient(nameof(DaprEventBus), c => c.Timeout = TimeSpan.FromSeconds(10));
                services.TryAddSingleton<IEventBus>(sp => new DaprEventBus(
                    sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(DaprEventBus)),
                    sp.GetRequiredService<DaprSidecar>(), options));
                services.AddHttpClient<DaprSidecarHealthCheck>();
                services.AddHealthChecks().AddCheck<DaprSidecarHealthCheck>("dapr", tags: [HealthTags.Ready], timeout: TimeSpan.FromSeconds(3));
                break;
            default:
                // The dev host registers one broker shared by all services before this runs; alone, a service gets its own.
                var brokerOptions = builder.Configuration.GetSection("EventBus:InProcess").Get<InProcessBrokerOptions>() ?? new InProcessBrokerOptions();
                services.TryAddSingleton(sp => new InProcessBroker(brokerOptions, sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<InProcessBroker>>()));
                services.TryAddSingleton<IEventBus, InProcessEventBus>();
                // Before the relay: a service that consumes its own events must be subscribed before it publishes them.
                services.AddHostedService<InProcessSubscriptions>();
                break;
        }
        services.AddSingleton<OutboxRelay<TContext>>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxRelay<TContext>>());
        return new EventBusBuilder(services);
    }

    /// <summary>Maps the Dapr subscription routes and <c>/dapr/subscribe</c> (only with the Dapr transport).</summary>
    public static WebApplication MapEventBus(this WebApplication app)
    {
        if (app.Services.GetRequiredService<EventBusOptions>().Transport == EventTransport.Dapr)
        {
            app.UseCloudEvents();
            app.MapDaprSubscriptions();
        }
        return app;
    }
}

/// <summary>Declares which events a service handles (eShop's <c>AddSubscription&lt;TEvent, THandler&gt;</c>).</summary>
public sealed class EventBusBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;

    public EventBusBuilder AddSubscription<TEvent, THandler>()
        where TEvent : IntegrationEvent
        where THandler : class, IIntegrationEventHandler<TEvent>
    {
        Services.AddScoped<THandler>();
        Services.AddSingleton(EventSubscription.Create<TEvent, THandler>());
        return this;
    }
}
