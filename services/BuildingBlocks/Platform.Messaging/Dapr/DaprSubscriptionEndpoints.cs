using System.Security.Cryptography;
using System.Text;
using Dapr;
using Dapr.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Messaging.Dapr;

/// <summary>
/// Declares one HTTP route per subscribed topic, with its dead-letter topic, so that <c>GET /dapr/subscribe</c>
/// lists them for the sidecar, and answers each delivery with Dapr's status contract:
/// 200 {"status":"SUCCESS"|"RETRY"|"DROP"}; 404 for a topic this service does not handle (Dapr drops it);
/// 400 problem+json for a payload that is not the contract (Dapr retries per its policy, then dead-letters it).
/// </summary>
public static class DaprSubscriptionEndpoints
{
    public const string RoutePrefix = "/events/";

    public static IEndpointRouteBuilder MapDaprSubscriptions(this IEndpointRouteBuilder endpoints)
    {
        var registry = endpoints.ServiceProvider.GetRequiredService<SubscriptionRegistry>();
        var options = endpoints.ServiceProvider.GetRequiredService<EventBusOptions>();
        var group = endpoints.MapGroup("").AddEndpointFilter(new AppApiTokenFilter(options.AppApiToken)).ExcludeFromDescription();

        group.MapSubscribeHandler();
        foreach (var topic in registry.Topics)
        {
            var deadLetterTopic = registry.For(topic)[0].DeadLetterTopic;
            group.MapPost(RoutePrefix + topic, (HttpContext http, IEventDispatcher dispatcher) => DeliverAsync(http, dispatcher, topic))
                .WithTopic(new TopicOptions { PubsubName = options.PubSubName, Name = topic, DeadLetterTopic = deadLetterTopic })
                .DisableRateLimiting();
        }
        return endpoints;
    }

    private static async Task<IResult> DeliverAsync(HttpContext http, IEventDispatcher dispatcher, string topic)
    {
        // UseCloudEvents has already replaced a CloudEvent body with its data.
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var outcome = await dispatcher.DispatchAsync(topic, buffer.ToArray(), http.RequestAborted);
        return outcome switch
        {
            DispatchOutcome.Success => Status("SUCCESS"),
            DispatchOutcome.Retry => Status("RETRY"),
            DispatchOutcome.Drop => Status("DROP"),
            DispatchOutcome.UnknownTopic => Results.Problem(statusCode: StatusCodes.Status404NotFound,
                title: "No subscription for this topic.", detail: $"This service does not handle {topic}."),
            _ => Results.Problem(statusCode: StatusCodes.Status400BadRequest,
                title: "The event does not match its contract.",
                detail: $"The payload could not be read as a {topic} event.",
                extensions: new Dictionary<string, object?> { ["code"] = "malformed_event" }),
        };
    }

    private static IResult Status(string status) => Results.Json(new { status });

    /// <summary>Rejects calls without the sidecar's app API token (when one is configured).</summary>
    private sealed class AppApiTokenFilter(string? expected) : IEndpointFilter
    {
        private readonly byte[]? _expected = expected is { Length: > 0 } ? Encoding.UTF8.GetBytes(expected) : null;

        public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
        {
            if (_expected is null)
            {
                return next(context);
            }
            var presented = Encoding.UTF8.GetBytes(context.HttpContext.Request.Headers["dapr-api-token"].ToString());
            return CryptographicOperations.FixedTimeEquals(presented, _expected)
                ? next(context)
                : ValueTask.FromResult<object?>(Results.Problem(statusCode: StatusCodes.Status401Unauthorized,
                    title: "Missing or wrong dapr-api-token.", detail: "Only the Dapr sidecar may call this endpoint."));
        }
    }
}
