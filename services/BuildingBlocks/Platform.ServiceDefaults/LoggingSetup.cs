using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults;

/// <summary>
/// Structured logs: JSON lines outside Development (what log collectors parse), readable text in Development.
/// Scopes carry the trace and span ids so that a log line can be joined to its trace.
/// </summary>
public static class LoggingSetup
{
    public static WebApplicationBuilder AddStructuredLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        // ASP.NET Core's Information and Debug lines carry URLs with their query strings (request lines, redirects):
        // id_token_hint, PAR request_uri, login hints. Warning, as ASP.NET's own templates set it; requests are
        // traced instead (OpenTelemetry redacts query values). A more specific category can still be raised.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        if (!builder.Environment.IsDevelopment() && builder.Configuration["Logging:Console:FormatterName"] is null)
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
        }
        return builder;
    }
}
