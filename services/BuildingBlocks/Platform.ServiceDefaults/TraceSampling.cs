using System.Globalization;
using Microsoft.Extensions.Configuration;
using OpenTelemetry.Trace;

namespace Platform.ServiceDefaults;

/// <summary>
/// Which traces a service records. A request that continues a caller's sampled trace (a <c>traceparent</c> with the
/// sampled flag) is always recorded, so a trace that started elsewhere stays whole across the services. A trace the
/// service starts itself is recorded with the probability <c>Telemetry:Traces:SampleRatio</c> (0 to 1): by default 1
/// when the service exports spans (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>Telemetry:Console</c>) and 0 when it
/// exports none, since a span nobody exports is work no one sees (issue 18: recording the spans of a vault read cost
/// more than its decryption). The standard <c>OTEL_TRACES_SAMPLER</c> variable, when set, wins over all of this.
/// </summary>
public static class TraceSampling
{
    public const string SampleRatioKey = "Telemetry:Traces:SampleRatio";
    public const string StandardSamplerKey = "OTEL_TRACES_SAMPLER";

    /// <summary>The sampler to install, or null when <c>OTEL_TRACES_SAMPLER</c> configures the SDK's own.</summary>
    public static Sampler? For(IConfiguration configuration, bool exporting)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.IsNullOrWhiteSpace(configuration[StandardSamplerKey]))
        {
            return null;
        }
        return new ParentBasedSampler(new TraceIdRatioBasedSampler(RootRatio(configuration, exporting)));
    }

    /// <summary>The share of the traces a service starts that it records; a bad value stops the service at start-up.</summary>
    public static double RootRatio(IConfiguration configuration, bool exporting)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration[SampleRatioKey];
        if (string.IsNullOrWhiteSpace(text))
        {
            return exporting ? 1.0 : 0.0;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) || !(ratio is >= 0 and <= 1))
        {
            throw new InvalidOperationException($"{SampleRatioKey} must be a number from 0 to 1, not '{text}'.");
        }
        return ratio;
    }
}
