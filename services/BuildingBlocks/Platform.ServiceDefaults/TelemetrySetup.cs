using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Platform.ServiceDefaults;

/// <summary>
/// OpenTelemetry traces and metrics. Export goes to OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
/// (the collector in a cluster) and to the console when <c>Telemetry:Console</c> is true (the dev host). Which traces
/// are recorded: <see cref="TraceSampling"/> (none started here when nothing exports them).
/// </summary>
public static class TelemetrySetup
{
    /// <summary>Every platform ActivitySource and Meter starts with this prefix so one wildcard picks them all up.</summary>
    public const string SourcePrefix = "Platform.";

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var serviceName = builder.Configuration["Service:Name"] ?? builder.Environment.ApplicationName;
        var useOtlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var useConsole = builder.Configuration.GetValue("Telemetry:Console", false);

        var sampler = TraceSampling.For(builder.Configuration, exporting: useOtlp || useConsole);
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(SourcePrefix + "*")
                    .AddAspNetCoreInstrumentation(o => o.Filter = context =>
                        !context.Request.Path.StartsWithSegments("/health"))
                    .AddHttpClientInstrumentation();
                if (sampler is not null)
                {
                    tracing.SetSampler(sampler);
                }
                if (useConsole)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(SourcePrefix + "*")
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddMeter("System.Runtime");
            });
        if (useOtlp)
        {
            otel.UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>
    /// Requests to <paramref name="path"/> are traced only when they continue a caller's trace (a <c>traceparent</c>
    /// header whose caller sampled it): a call that is one step of a larger operation, such as the record vault's
    /// consent decision inside a read, stays in that operation's trace, while a request that starts its own trace is
    /// not recorded. Issue 18: recording a root span per decision cost more than the decision. The request's metrics
    /// (<c>http.server.request.duration</c>) are recorded either way; log lines still carry the trace and span ids.
    /// </summary>
    public static IServiceCollection TraceOnlyWithinCallersTrace(this IServiceCollection services, PathString path) =>
        services.Configure<AspNetCoreTraceInstrumentationOptions>(options =>
        {
            var previous = options.Filter;
            options.Filter = context => (previous?.Invoke(context) ?? true)
                && (!context.Request.Path.Equals(path, StringComparison.OrdinalIgnoreCase) || Activity.Current?.HasRemoteParent == true);
        });
}
