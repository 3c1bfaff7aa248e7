using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace Platform.ServiceDefaults;

/// <summary>
/// The resilience pipeline of a synchronous call to another platform service (Microsoft.Extensions.Http.Resilience's
/// standard handler): a total timeout, a timeout per attempt, retries of transient failures (connection errors,
/// 408, 429, 5xx, an attempt's timeout) with jittered exponential backoff, and a circuit breaker that stops calling a
/// service that keeps failing, so callers answer "unavailable" at once instead of queueing behind it.
/// </summary>
/// <remarks>
/// Retries are only safe for requests that may run twice. A request whose effect must not be repeated (a break-glass
/// decision spends the clinician's emergency budget and writes an audit event) is marked with
/// <see cref="NotIdempotent"/> and is sent once, whatever happens. Whatever the pipeline cannot save ends as an
/// exception (<see cref="Polly.ExecutionRejectedException"/> for the timeout and the open circuit,
/// <see cref="HttpRequestException"/>) or a transient status, which the client turns into its own "unavailable".
/// </remarks>
public static class ServiceClientResilience
{
    /// <summary>Set on a request that must not be retried.</summary>
    public static readonly HttpRequestOptionsKey<bool> NotIdempotent = new("Platform.NotIdempotent");

    /// <summary>How long the circuit stays open after it broke; also a fair Retry-After for the caller's caller.</summary>
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(5);

    /// <summary>The pipeline's total or per-attempt timeout ran out (Polly's <see cref="TimeoutRejectedException"/>).</summary>
    /// <remarks>
    /// Asked here rather than caught by type where the caller is: services that also reference OpenIddict's HTTP
    /// integration get Polly 7 beside Polly 8 (Polly.Core), whose exception types share these names.
    /// </remarks>
    public static bool IsTimeout(Exception exception) => exception is TimeoutRejectedException;

    /// <summary>The pipeline gave up on the request without an answer: a timeout, or the circuit is open.</summary>
    public static bool IsRejected(Exception exception) => exception is ExecutionRejectedException;

    /// <summary>
    /// The client of another service at <paramref name="baseAddress"/> (relative paths resolve below it), through the
    /// pipeline; HttpClient's own timeout is only a backstop one second after the pipeline's total timeout.
    /// </summary>
    public static IHttpClientBuilder AddServiceClientResilience(this IHttpClientBuilder builder, Uri? baseAddress, TimeSpan totalTimeout,
        TimeSpan attemptTimeout)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .ConfigureHttpClient(client =>
            {
                client.BaseAddress = baseAddress is null ? null : new Uri(baseAddress.AbsoluteUri.TrimEnd('/') + "/");
                client.Timeout = totalTimeout + TimeSpan.FromSeconds(1);
            })
            .AddServiceClientResilience(totalTimeout, attemptTimeout);
    }

    public static IHttpClientBuilder AddServiceClientResilience(this IHttpClientBuilder builder, TimeSpan totalTimeout, TimeSpan attemptTimeout)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddStandardResilienceHandler(options =>
        {
            options.TotalRequestTimeout.Timeout = totalTimeout;
            options.AttemptTimeout.Timeout = attemptTimeout;
            options.Retry.MaxRetryAttempts = 2;
            options.Retry.Delay = TimeSpan.FromMilliseconds(100);
            var transient = options.Retry.ShouldHandle;
            options.Retry.ShouldHandle = args =>
                args.Context.GetRequestMessage() is { } request && request.Options.TryGetValue(NotIdempotent, out var once) && once
                    ? PredicateResult.False()
                    : transient(args);
            // Half of at least 10 calls failing within the window opens the circuit for BreakDuration.
            options.CircuitBreaker.FailureRatio = 0.5;
            options.CircuitBreaker.MinimumThroughput = 10;
            options.CircuitBreaker.SamplingDuration = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, 2 * attemptTimeout.Ticks));
            options.CircuitBreaker.BreakDuration = BreakDuration;
        });
        return builder;
    }
}
