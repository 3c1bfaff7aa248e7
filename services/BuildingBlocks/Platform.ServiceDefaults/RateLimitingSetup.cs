using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.ServiceDefaults;

/// <summary>
/// Registers the platform's rate-limit policies; limits come from <c>RateLimiting:{policy}:PermitLimit</c>
/// and <c>:WindowSeconds</c>. A rejected request gets 429 problem+json with Retry-After.
/// </summary>
public static class RateLimitingSetup
{
    public static IServiceCollection AddPlatformRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Read once, when the limiter is built: reading configuration on every request was part of what a
            // decision paid over an unlimited endpoint (issue 18).
            var perClient = FixedWindow(configuration.GetSection($"RateLimiting:{RateLimitPolicies.PerClient}"), 600, 60);
            var sensitive = FixedWindow(configuration.GetSection($"RateLimiting:{RateLimitPolicies.Sensitive}"), 10, 60);
            options.AddPolicy(RateLimitPolicies.PerClient, context => RateLimitPartition.GetFixedWindowLimiter(PartitionKey(context), _ => perClient));
            options.AddPolicy(RateLimitPolicies.Sensitive, context => RateLimitPartition.GetFixedWindowLimiter(PartitionKey(context), _ => sensitive));
            options.OnRejected = WriteRejection;
        });
        return services;
    }

    private static FixedWindowRateLimiterOptions FixedWindow(IConfigurationSection section, int permits, int windowSeconds) => new()
    {
        PermitLimit = section.GetValue("PermitLimit", permits),
        Window = TimeSpan.FromSeconds(section.GetValue("WindowSeconds", windowSeconds)),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    // The subject when signed in (so one NAT does not throttle a hospital), else the peer address.
    private static string PartitionKey(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true
            ? "sub:" + (context.User.FindFirst("sub")?.Value ?? context.User.Identity.Name ?? "unknown")
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    private static async ValueTask WriteRejection(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var delay) ? delay : TimeSpan.FromSeconds(60);
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = "The rate limit for this endpoint was reached. Retry after the time in the Retry-After header.",
                Extensions = { ["code"] = "rate_limited" },
            },
        });
    }
}
