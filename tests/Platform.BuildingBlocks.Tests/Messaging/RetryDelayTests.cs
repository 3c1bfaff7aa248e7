using Microsoft.Extensions.Time.Testing;
using Platform.Messaging;
using Platform.Messaging.InProcess;
using Platform.Messaging.Outbox;

namespace Platform.BuildingBlocks.Tests.Messaging;

/// <summary>
/// The two backoffs keep their documented shape: the in-process redelivery (a Polly retry) and the outbox's durable
/// schedule both start at InitialRetryDelay and double up to MaxRetryDelay, without jitter.
/// </summary>
public sealed class RetryDelayTests
{
    [Fact]
    public async Task In_process_redelivery_waits_the_initial_delay_then_doubles_up_to_the_maximum()
    {
        var options = new InProcessBrokerOptions
        {
            MaxDeliveryAttempts = 6,
            InitialRetryDelay = TimeSpan.FromMilliseconds(100),
            MaxRetryDelay = TimeSpan.FromMilliseconds(500),
        };

        var (delays, attempts) = await RunAlwaysRetryingAsync(options);

        Assert.Equal(6, attempts);
        Assert.Equal([100, 200, 400, 500, 500], delays.Select(d => d.TotalMilliseconds));
    }

    [Fact]
    public async Task In_process_redelivery_defaults_give_five_deliveries()
    {
        var (delays, attempts) = await RunAlwaysRetryingAsync(new InProcessBrokerOptions());

        Assert.Equal(5, attempts);
        Assert.Equal([200, 400, 800, 1600], delays.Select(d => d.TotalMilliseconds));
    }

    [Fact]
    public async Task One_delivery_attempt_means_no_redelivery()
    {
        var (delays, attempts) = await RunAlwaysRetryingAsync(new InProcessBrokerOptions { MaxDeliveryAttempts = 1 });

        Assert.Equal(1, attempts);
        Assert.Empty(delays);
    }

    [Fact]
    public void The_outbox_schedule_doubles_from_one_second_and_stops_at_five_minutes()
    {
        var options = new OutboxOptions();

        Assert.Equal([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300], Enumerable.Range(1, 11).Select(n => options.RetryDelayFor(n).TotalSeconds));
        // Attempt counts far past the cap do not overflow.
        Assert.Equal(TimeSpan.FromMinutes(5), options.RetryDelayFor(10_000));
    }

    [Fact]
    public async Task The_outbox_schedule_has_the_same_shape_as_the_polly_redelivery()
    {
        var outbox = new OutboxOptions { InitialRetryDelay = TimeSpan.FromMilliseconds(250), MaxRetryDelay = TimeSpan.FromSeconds(3) };
        var inProcess = new InProcessBrokerOptions
        {
            MaxDeliveryAttempts = 8,
            InitialRetryDelay = outbox.InitialRetryDelay,
            MaxRetryDelay = outbox.MaxRetryDelay,
        };

        var (polly, _) = await RunAlwaysRetryingAsync(inProcess);

        Assert.Equal(polly, Enumerable.Range(1, polly.Count).Select(outbox.RetryDelayFor));
    }

    /// <summary>Runs the redelivery pipeline around a handler that always asks for a retry, on a fake clock moved by the test.</summary>
    private static async Task<(List<TimeSpan> Delays, int Attempts)> RunAlwaysRetryingAsync(InProcessBrokerOptions options)
    {
        var time = new FakeTimeProvider();
        var delays = new List<TimeSpan>();
        var attempts = 0;
        var pipeline = InProcessRedelivery.Create(options, time, delays.Add);

        var run = pipeline.ExecuteAsync(_ =>
        {
            Interlocked.Increment(ref attempts);
            return ValueTask.FromResult(DispatchOutcome.Retry);
        }, CancellationToken.None).AsTask();
        for (var step = 0; !run.IsCompleted && step < 100_000; step++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await Task.Yield();
        }

        Assert.Equal(DispatchOutcome.Retry, await run);
        return (delays, attempts);
    }
}
