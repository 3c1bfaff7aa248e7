using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using OpenTelemetry;
using Platform.Testing;

namespace Platform.Consent.Service.Tests;

/// <summary>
/// Issue 18: a decision is traced as a step of its caller's trace and never as a trace of its own (recording a root
/// span per decision cost more than the decision); other endpoints are traced as before.
/// </summary>
public sealed class DecisionTracingTests(ConsentPlatform platform) : IClassFixture<ConsentPlatform>
{
    [Fact]
    public async Task A_decision_is_recorded_inside_its_callers_sampled_trace_and_not_as_a_root_span()
    {
        var service = await platform.ServiceTokenAsync();
        // A caller without tracing: the hosts' HttpClient instrumentation listens process-wide and would otherwise
        // trace this test's calls and send them with a sampled traceparent.
        using var quiet = SuppressInstrumentationScope.Begin();
        var untraced = platform.Consent.Client;
        var body = new { subject = "pt" + Guid.NewGuid().ToString("N"), actor = "pr" + Guid.NewGuid().ToString("N"), category = "observation", purpose = "TREAT" };

        using (var codes = await untraced.GetAsync("/codes"))
        {
            Assert.Equal(HttpStatusCode.OK, codes.StatusCode);
        }
        using (var root = new HttpRequestMessage(HttpMethod.Post, "/decisions") { Content = JsonContent.Create(body) })
        {
            root.Headers.Authorization = new AuthenticationHeaderValue("Bearer", service);
            using var answer = await untraced.SendAsync(root);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }
        var traceId = ActivityTraceId.CreateRandom();
        using (var child = new HttpRequestMessage(HttpMethod.Post, "/decisions") { Content = JsonContent.Create(body) })
        {
            child.Headers.Authorization = new AuthenticationHeaderValue("Bearer", service);
            child.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
            using var answer = await untraced.SendAsync(child);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        // The same host records root spans of other endpoints: the recorder sees what an operator's collector would.
        await Eventually.TrueAsync(() => ServerSpans("/codes").Any(s => s.ParentSpanId == default), $"a root span for GET /codes; exported: {Describe()}");
        await Eventually.TrueAsync(() => ServerSpans("/decisions").Any(s => s.TraceId == traceId), "the decision's span in the caller's trace");
        Assert.DoesNotContain(ServerSpans("/decisions"), s => s.ParentSpanId == default);
    }

    private string Describe() => string.Join(", ", platform.ExportedSpans.Take(20).Select(s => $"{s.Kind} {s.DisplayName} {s.GetTagItem("url.path")} parent={s.ParentSpanId}"))
        + $" ({platform.ExportedSpans.Count} in all)";

    private IEnumerable<Activity> ServerSpans(string path) =>
        platform.ExportedSpans.Where(s => s.Kind == ActivityKind.Server && (s.GetTagItem("url.path") as string) == path);
}
