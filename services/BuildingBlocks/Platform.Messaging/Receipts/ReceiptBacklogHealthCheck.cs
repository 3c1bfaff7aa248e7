using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Platform.Messaging.Receipts;

/// <summary>
/// Readiness detail: how many signed events await a ledger receipt and the oldest one's age. Degraded (still
/// ready: the service works, its audit trail lags) when the oldest has waited longer than <c>Receipts:DegradedAfter</c>.
/// </summary>
public sealed class ReceiptBacklogHealthCheck(IServiceScopeFactory scopes, ReceiptBacklogMonitor monitor, IOptions<ReceiptReconcilerOptions> options, TimeProvider time)
    : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var backlog = await ReceiptBacklog.OfAsync(scope.ServiceProvider.GetServices<IReceiptHolder>(), cancellationToken);
        monitor.Update(backlog);
        var age = backlog.OldestAge(time.GetUtcNow());
        var description = $"{backlog.Count} signed event(s) await a ledger receipt; the oldest for {Math.Round(age.TotalSeconds)} s.";
        return age > options.Value.DegradedAfter ? HealthCheckResult.Degraded(description) : HealthCheckResult.Healthy(description);
    }
}
