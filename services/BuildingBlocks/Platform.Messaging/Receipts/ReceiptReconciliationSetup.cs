using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts.Events;
using Platform.ServiceDefaults;

namespace Platform.Messaging.Receipts;

public static class ReceiptReconciliationSetup
{
    /// <summary>
    /// Measures and reconciles this service's signed events that await a ledger receipt (<c>Receipts:*</c>):
    /// a readiness detail, two gauges, and — when <c>Receipts:LedgerUrl</c> (or <paramref name="fallbackLedgerUrl"/>)
    /// is set — the periodic look-up and republish. Also subscribes <see cref="LedgerReceiptWriteBack"/> to
    /// <c>ledger.committed</c>: receipts arrive through the same holders either way.
    /// </summary>
    public static EventBusBuilder AddReceiptReconciliation<TContext, THolder>(this EventBusBuilder events, IConfiguration configuration, string? fallbackLedgerUrl = null)
        where TContext : DbContext
        where THolder : class, IReceiptHolder
    {
        var services = events.Services;
        var section = configuration.GetSection("Receipts");
        services.AddOptions<ReceiptReconcilerOptions>().Bind(section).ValidateOnStart();
        events.AddReceiptHolder<THolder>();
        events.AddSubscription<LedgerCommittedV1, LedgerReceiptWriteBack>();
        services.AddSingleton<ReceiptBacklogMonitor>();
        services.AddHealthChecks().AddCheck<ReceiptBacklogHealthCheck>("receipts", tags: [HealthTags.Ready], timeout: TimeSpan.FromSeconds(3));
        var ledgerUrl = section["LedgerUrl"] is { Length: > 0 } configured ? configured : fallbackLedgerUrl;
        if (ledgerUrl is { Length: > 0 })
        {
            services.AddHttpClient<LedgerReceiptClient>(c =>
            {
                c.BaseAddress = new Uri(ledgerUrl.TrimEnd('/') + "/");
                c.Timeout = TimeSpan.FromSeconds(5);
            });
        }
        services.AddSingleton<ReceiptReconciler<TContext>>();
        services.AddHostedService(sp => sp.GetRequiredService<ReceiptReconciler<TContext>>());
        return events;
    }

    /// <summary>Another kind of row of this service whose signed events need receipts (the first comes with <see cref="AddReceiptReconciliation{TContext, THolder}"/>).</summary>
    public static EventBusBuilder AddReceiptHolder<THolder>(this EventBusBuilder events)
        where THolder : class, IReceiptHolder
    {
        ArgumentNullException.ThrowIfNull(events);
        events.Services.AddScoped<IReceiptHolder, THolder>();
        return events;
    }
}
