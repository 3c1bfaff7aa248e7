using Microsoft.Extensions.Options;

namespace Platform.Consent.Decisions;

/// <summary><c>Consent:BreakGlass:*</c>: how many emergency accesses one clinician may make per window.</summary>
public sealed class BreakGlassOptions
{
    public int PermitsPerWindow { get; set; } = 5;

    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Limits break-glass permits per clinician (sliding window). Kept in memory per replica, so with N replicas a
/// clinician gets at most N times the budget; every use is audited regardless.
/// </summary>
public sealed class BreakGlassGuard(IOptions<BreakGlassOptions> options, TimeProvider time)
{
    private readonly Dictionary<string, Queue<DateTimeOffset>> _uses = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public bool TryAcquire(string actor)
    {
        var now = time.GetUtcNow();
        var window = options.Value.Window;
        lock (_gate)
        {
            if (!_uses.TryGetValue(actor, out var uses))
            {
                _uses[actor] = uses = new Queue<DateTimeOffset>();
            }
            while (uses.Count > 0 && now - uses.Peek() >= window)
            {
                uses.Dequeue();
            }
            if (uses.Count >= options.Value.PermitsPerWindow)
            {
                return false;
            }
            uses.Enqueue(now);
            return true;
        }
    }
}
