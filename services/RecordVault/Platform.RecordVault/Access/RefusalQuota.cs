using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Platform.RecordVault.Records;

namespace Platform.RecordVault.Access;

/// <summary>
/// How many refused accesses one caller may have audited in a window (<c>RecordVault:RefusalQuota</c>). Every
/// audited refusal is a permanent, signed ledger entry that any signed-in user can cause at will, so each caller
/// gets a budget; past it, further refusals answer 429 and write nothing. Refusals on unknown patients count too,
/// so the budget running out tells nothing about which patients exist. Per process, like ASP.NET Core's limiter.
/// </summary>
public sealed class RefusalQuota : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly TimeSpan _window;

    public RefusalQuota(IOptions<RecordVaultOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var quota = options.Value.RefusalQuota;
        _window = quota.Window;
        _limiter = PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetFixedWindowLimiter(caller, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = quota.PermitLimit,
            Window = quota.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Takes one refusal from the caller's budget; false when it is spent (with when to try again).</summary>
    public bool TryTake(string caller, out TimeSpan retryAfter)
    {
        using var lease = _limiter.AttemptAcquire(caller);
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var delay) ? delay : _window;
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
