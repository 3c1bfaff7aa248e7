using Polly;
using Polly.Retry;

namespace Platform.Messaging.InProcess;

/// <summary>
/// The in-process broker's redelivery to one consumer group, as a Polly retry: a handler that answers
/// <see cref="DispatchOutcome.Retry"/> (or throws) gets the event again after <c>InitialRetryDelay</c>, doubling up to
/// <c>MaxRetryDelay</c>, no jitter, <c>MaxDeliveryAttempts</c> deliveries in all — what the deployed services' Dapr
/// resiliency policy gives (components/resiliency.yaml, checked by DaprComponentTests).
/// </summary>
public static class InProcessRedelivery
{
    public static ResiliencePipeline<DispatchOutcome> Create(InProcessBrokerOptions options, TimeProvider time,
        Action<TimeSpan>? onRedelivery = null)
    {
        if (options.MaxDeliveryAttempts <= 1)
        {
            return ResiliencePipeline<DispatchOutcome>.Empty;
        }
        return new ResiliencePipelineBuilder<DispatchOutcome> { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions<DispatchOutcome>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result == DispatchOutcome.Retry),
                MaxRetryAttempts = options.MaxDeliveryAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                Delay = options.InitialRetryDelay,
                MaxDelay = options.MaxRetryDelay,
                OnRetry = args =>
                {
                    onRedelivery?.Invoke(args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }
}
