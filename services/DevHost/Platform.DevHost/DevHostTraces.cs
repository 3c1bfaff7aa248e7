using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Platform.DevHost;

/// <summary>
/// The dev host's <c>--traces</c>: one console span exporter for the whole process. The embedded services run in
/// one process, where an ActivityListener hears every service's spans, so a console exporter per service
/// (<c>Telemetry:Console</c>) would print each span once per service under the wrong service name. This single
/// exporter prints each span once and names the embedded service it belongs to (<c>devhost.service</c>).
/// </summary>
internal static class DevHostTraces
{
    public const string ServiceTag = "devhost.service";

    /// <summary>Platform spans, incoming requests, outgoing HTTP calls: the sources the services trace.</summary>
    public static readonly string[] Sources = ["Platform.*", "Microsoft.AspNetCore", "System.Net.Http"];

    public static TracerProvider Start(Func<int, string?> serviceOnPort) =>
        Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.AddService("platform-devhost"))
            .AddSource(Sources)
            .AddProcessor(new ServiceLabel(serviceOnPort))
            .AddConsoleExporter()
            .Build();

    /// <summary>
    /// Labels a span with its service: a request span by the port it arrived on, a ledger commit by its replica, any
    /// other span by the request or commit it ran in (the messaging spans of relays and consumers get none). Runs
    /// before the exporter (processors run in the order they were added).
    /// </summary>
    private sealed class ServiceLabel(Func<int, string?> serviceOnPort) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data)
        {
            for (var span = data; span is not null; span = span.Parent)
            {
                if (span.GetTagItem("ledger.replica") is string replica)
                {
                    data.SetTag(ServiceTag, "ledger (" + replica + ")");
                    return;
                }
                if (span.Kind == ActivityKind.Server && span.GetTagItem("server.port") is int port && serviceOnPort(port) is { } name)
                {
                    data.SetTag(ServiceTag, name);
                    return;
                }
            }
        }
    }
}
