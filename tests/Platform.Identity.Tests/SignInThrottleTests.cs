using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Platform.Identity.Accounts;
using Platform.Testing;
using StackExchange.Redis;

namespace Platform.Identity.Tests;

/// <summary>The throttle's arithmetic, and both of its stores (in memory; Redis, as deployed) behaving alike.</summary>
public sealed class SignInThrottleTests : IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public Task InitializeAsync() => _redis.InitializeAsync();

    public Task DisposeAsync() => _redis.DisposeAsync();

    [Fact]
    public void Delays_double_after_the_free_failures_up_to_the_cap()
    {
        var throttle = new SignInThrottle(new InMemorySignInAttemptStore(_time), Options.Create(new SignInThrottleOptions()), _time);

        Assert.Equal(
            [0, 0, 0, 1, 2, 4, 8],
            Enumerable.Range(1, 7).Select(n => throttle.Delay(n).TotalSeconds).ToArray());
        Assert.Equal(TimeSpan.FromMinutes(15), throttle.Delay(1000));
    }

    [Fact]
    public async Task The_in_memory_store_throttles_one_source_only()
    {
        await AssertThrottlesOneSourceOnlyAsync(new InMemorySignInAttemptStore(_time));
    }

    [Fact]
    public async Task The_Redis_store_throttles_one_source_only()
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString);
        await AssertThrottlesOneSourceOnlyAsync(new RedisSignInAttemptStore(redis));
    }

    private async Task AssertThrottlesOneSourceOnlyAsync(ISignInAttemptStore store)
    {
        var throttle = new SignInThrottle(store, Options.Create(new SignInThrottleOptions()), _time);
        var account = $"someone-{Guid.NewGuid():N}@test.local";
        for (var i = 0; i < 5; i++)
        {
            await throttle.FailedAsync(account, "203.0.113.7", CancellationToken.None);
        }

        Assert.Equal(TimeSpan.FromSeconds(2), await throttle.WaitAsync(account, "203.0.113.7", CancellationToken.None));
        Assert.Equal(TimeSpan.FromSeconds(2), await throttle.WaitAsync(account.ToUpperInvariant(), "203.0.113.7", CancellationToken.None));
        Assert.Equal(TimeSpan.Zero, await throttle.WaitAsync(account, "198.51.100.9", CancellationToken.None));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.Zero, await throttle.WaitAsync(account, "203.0.113.7", CancellationToken.None));

        await throttle.SucceededAsync(account, "203.0.113.7", CancellationToken.None);
        await throttle.FailedAsync(account, "203.0.113.7", CancellationToken.None);
        Assert.Equal(TimeSpan.Zero, await throttle.WaitAsync(account, "203.0.113.7", CancellationToken.None));
    }
}
