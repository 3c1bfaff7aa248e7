using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Platform.BuildingBlocks.Tests.TestService;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.BuildingBlocks.Tests.ServiceDefaults;

/// <summary>
/// Issue 18: a service that exports no spans records no trace of its own, yet still records its part of a caller's
/// sampled trace; <c>Telemetry:Traces:SampleRatio</c> chooses otherwise, and a bad value stops the service.
/// </summary>
public sealed class TraceSamplingTests
{
    [Theory]
    [InlineData(null, false, 0.0)]
    [InlineData(null, true, 1.0)]
    [InlineData("0.25", false, 0.25)]
    [InlineData("0", true, 0.0)]
    [InlineData("1", false, 1.0)]
    public void The_root_ratio_defaults_to_whether_spans_are_exported(string? configured, bool exporting, double expected)
    {
        Assert.Equal(expected, TraceSampling.RootRatio(Settings((TraceSampling.SampleRatioKey, configured)), exporting));
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("-0.1")]
    [InlineData("NaN")]
    [InlineData("half")]
    public void A_ratio_outside_zero_to_one_is_refused(string configured)
    {
        var error = Assert.Throws<InvalidOperationException>(() => TraceSampling.RootRatio(Settings((TraceSampling.SampleRatioKey, configured)), true));
        Assert.Contains(TraceSampling.SampleRatioKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_standard_sampler_variable_leaves_the_choice_to_the_sdk()
    {
        Assert.Null(TraceSampling.For(Settings((TraceSampling.StandardSamplerKey, "always_on"), (TraceSampling.SampleRatioKey, "0")), exporting: false));
        Assert.IsType<ParentBasedSampler>(TraceSampling.For(Settings(), exporting: false));
    }

    [Fact]
    public async Task Without_an_exporter_only_a_callers_sampled_trace_is_recorded()
    {
        var spans = new ConcurrentQueue<Activity>();
        await using var service = await StartAsync(spans, ratio: null);
        using var client = UntracedClient(service);

        var unsampled = ActivityTraceId.CreateRandom();
        var sampled = ActivityTraceId.CreateRandom();
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, traceparent: null));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, $"00-{unsampled}-{ActivitySpanId.CreateRandom()}-00"));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, $"00-{sampled}-{ActivitySpanId.CreateRandom()}-01"));

        await Eventually.TrueAsync(() => ServerSpans(spans).Any(s => s.TraceId == sampled), "the span in the caller's sampled trace");
        Assert.DoesNotContain(ServerSpans(spans), s => s.ParentSpanId == default);
        Assert.DoesNotContain(ServerSpans(spans), s => s.TraceId == unsampled);
    }

    [Fact]
    public async Task A_ratio_of_one_records_the_traces_the_service_starts()
    {
        var spans = new ConcurrentQueue<Activity>();
        await using var service = await StartAsync(spans, ratio: "1");
        using var client = UntracedClient(service);

        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, traceparent: null));

        await Eventually.TrueAsync(() => ServerSpans(spans).Any(s => s.ParentSpanId == default), "a root span for the request");
    }

    private static Task<ServiceUnderTest> StartAsync(ConcurrentQueue<Activity> spans, string? ratio) =>
        ServiceUnderTest.StartAsync(TestServiceApp.Build, ratio is null ? null : new Dictionary<string, string?> { [TraceSampling.SampleRatioKey] = ratio },
            builder => builder.Services.ConfigureOpenTelemetryTracerProvider(tracing =>
                tracing.AddProcessor(new SimpleActivityExportProcessor(new Recorder(spans)))));

    /// <summary>Sends only the traceparent a test gives: no propagator, so the test process's own activities add none.</summary>
    private static HttpClient UntracedClient(ServiceUnderTest service) =>
        new(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = service.Client.BaseAddress };

    private static async Task<HttpStatusCode> GetAsync(HttpClient client, string? traceparent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/scoped");
        request.Headers.Add(TestCallerAuthentication.Header, "alice");
        request.Headers.Add(TestCallerAuthentication.ScopeHeader, TestServiceApp.ScopedScope);
        if (traceparent is not null)
        {
            request.Headers.Add("traceparent", traceparent);
        }
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static List<Activity> ServerSpans(ConcurrentQueue<Activity> spans) =>
        [.. spans.Where(s => s.Kind == ActivityKind.Server && (s.GetTagItem("url.path") as string) == "/scoped")];

    private static IConfiguration Settings(params (string Key, string? Value)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();

    private sealed class Recorder(ConcurrentQueue<Activity> spans) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var span in batch)
            {
                spans.Enqueue(span);
            }
            return ExportResult.Success;
        }
    }
}
