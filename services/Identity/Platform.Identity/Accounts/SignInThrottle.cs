using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Platform.Identity.Accounts;

/// <summary>
/// Slows password guessing without handing attackers a lock: failures are counted per (typed account, source
/// address), so an attacker who guesses one account from one address waits longer and longer (doubling delays),
/// while its owner, from anywhere else, signs in as usual. The typed address is counted whether or not an account
/// has it, so the throttle says nothing about which accounts exist. Keys are hashed: the store holds no addresses.
/// </summary>
public sealed class SignInThrottle(ISignInAttemptStore store, IOptions<SignInThrottleOptions> options, TimeProvider time)
{
    private SignInThrottleOptions Options => options.Value;

    /// <summary>How long the source must still wait before trying this account again; zero when it may try now.</summary>
    public async Task<TimeSpan> WaitAsync(string account, string source, CancellationToken cancellationToken)
    {
        var attempts = await store.GetAsync(Key(account, source), cancellationToken);
        var wait = attempts.LastFailure + Delay(attempts.Failures) - time.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    public Task FailedAsync(string account, string source, CancellationToken cancellationToken) =>
        store.RecordFailureAsync(Key(account, source), time.GetUtcNow(), Options.ForgetAfter, cancellationToken);

    public Task SucceededAsync(string account, string source, CancellationToken cancellationToken) =>
        store.ForgetAsync(Key(account, source), cancellationToken);

    /// <summary>No wait for the free failures, then FirstDelay, twice that, four times…, at most MaxDelay.</summary>
    public TimeSpan Delay(int failures)
    {
        var over = failures - Options.FreeFailures;
        if (over <= 0)
        {
            return TimeSpan.Zero;
        }
        var factor = Math.Pow(2, Math.Min(over - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(Options.FirstDelay.Ticks * factor, Options.MaxDelay.Ticks));
    }

    private static string Key(string account, string source) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(account.Trim().ToUpperInvariant() + "\n" + source)));
}
