using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Platform.RecordVault.Access;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// Issue 23 item 2: a consent service that times out, fails or answers something that is not a decision gives
/// "consent unavailable" (a deny the vault audits and answers 503), never a 500; ordinary decisions are retried,
/// break-glass ones are not. The client runs through the vault's resilience pipeline; the consent side is a real HTTP
/// server on loopback that misbehaves. Issue 23 item 1: the body on the wire is the documented one, byte for byte.
/// </summary>
public sealed class ConsentDecisionFailureTests
{
    public static TheoryData<string, string> Answers() => new()
    {
        { "not json", "consent_service_malformed_answer" },
        { """{"decision":"permit"}""", "consent_service_malformed_answer" },
        { """{"decisionId":"not-a-guid","decision":"permit","reason":"x"}""", "consent_service_malformed_answer" },
        { """{"decisionId":"6f1c2d4e-0000-4000-8000-000000000001","decision":"maybe","reason":"x"}""", "consent_service_malformed_answer" },
        { """{"decisionId":"6f1c2d4e-0000-4000-8000-000000000001","decision":1,"reason":"x"}""", "consent_service_malformed_answer" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task An_answer_that_is_not_a_decision_is_consent_unavailable(string body, string reason)
    {
        using var consent = new MisbehavingServer((_, response) => Respond(response, body));
        var decision = await Client(consent.Address, TimeSpan.FromSeconds(5)).DecideAsync("p", "c", "observation", "TREAT", "access", false, CancellationToken.None);
        Assert.False(decision.Permits);
        Assert.True(decision.IsUnavailable);
        Assert.Equal(reason, decision.Reason);
    }

    [Fact]
    public async Task The_body_on_the_wire_is_the_documented_one()
    {
        var received = new List<(string ContentType, string Body)>();
        using var consent = new MisbehavingServer((request, response) =>
        {
            using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
            lock (received)
            {
                received.Add((request.ContentType!, reader.ReadToEnd()));
            }
            Respond(response, """{"decisionId":"6f1c2d4e-0000-4000-8000-000000000001","decision":"permit","reason":"consent_permits","consentId":null,"consentVersion":null}""");
        });
        var decision = await Client(consent.Address, TimeSpan.FromSeconds(5)).DecideAsync("patient-0001", "clinician-01", "observation", "TREAT", "access", false, CancellationToken.None);
        Assert.True(decision.Permits);
        var (contentType, body) = Assert.Single(received);
        Assert.Equal("application/json; charset=utf-8", contentType);
        Assert.Equal("""{"subject":"patient-0001","actor":"clinician-01","actorKind":"practitioner","category":"observation","purpose":"TREAT","action":"access","breakGlass":false}""", body);
    }

    [Theory]
    [InlineData(503, false, 3, true)]
    [InlineData(500, false, 3, true)]
    [InlineData(429, false, 3, true)]
    [InlineData(503, true, 1, true)]
    [InlineData(403, false, 1, false)]
    public async Task Transient_failures_are_retried_except_for_break_glass_and_end_unavailable(int status, bool breakGlass, int attempts, bool unavailable)
    {
        var seen = 0;
        using var consent = new MisbehavingServer((_, response) =>
        {
            Interlocked.Increment(ref seen);
            response.StatusCode = status;
        });
        var decision = await Client(consent.Address, TimeSpan.FromSeconds(5)).DecideAsync("p", "c", "observation", breakGlass ? "ETREAT" : "TREAT", "access", breakGlass, CancellationToken.None);
        Assert.False(decision.Permits);
        Assert.Equal((attempts, unavailable, $"consent_service_{status}"), (Volatile.Read(ref seen), decision.IsUnavailable, decision.Reason));
    }

    [Fact]
    public async Task A_consent_service_that_is_not_listening_is_consent_unavailable()
    {
        var decision = await Client(new Uri($"http://127.0.0.1:{FreePort.Next()}/"), TimeSpan.FromSeconds(5)).DecideAsync("p", "c", "observation", "TREAT", "access", false, CancellationToken.None);
        Assert.Equal((true, "consent_service_unreachable"), (decision.IsUnavailable, decision.Reason));
    }

    [Fact]
    public async Task A_consent_service_that_does_not_answer_in_time_is_consent_unavailable()
    {
        using var release = new SemaphoreSlim(0);
        using var consent = new MisbehavingServer((_, _) => release.Wait(TimeSpan.FromSeconds(10)));
        var decision = await Client(consent.Address, TimeSpan.FromMilliseconds(300)).DecideAsync("p", "c", "observation", "TREAT", "access", false, CancellationToken.None);
        release.Release(3);
        Assert.False(decision.Permits);
        Assert.True(decision.IsUnavailable);
        Assert.Equal("consent_service_timeout", decision.Reason);
    }

    [Fact]
    public async Task A_caller_that_gives_up_still_gets_its_cancellation()
    {
        using var release = new SemaphoreSlim(0);
        using var consent = new MisbehavingServer((_, _) => release.Wait(TimeSpan.FromSeconds(10)));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Client(consent.Address, TimeSpan.FromSeconds(5)).DecideAsync("p", "c", "observation", "TREAT", "access", false, cancel.Token));
        release.Release(3);
    }

    private static void Respond(HttpListenerResponse response, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.OutputStream.Write(bytes);
    }

    /// <summary>The client as the vault composes it: <paramref name="timeout"/> in all, attempts of a third of it, retries, a circuit breaker.</summary>
    private static ConsentDecisionClient Client(Uri address, TimeSpan timeout)
    {
        var services = new ServiceCollection();
        services.AddHttpClient(ConsentDecisionClient.HttpClientName, c =>
        {
            c.BaseAddress = address;
            c.Timeout = timeout + TimeSpan.FromSeconds(1);
        }).AddServiceClientResilience(timeout, timeout / 3);
        return new ConsentDecisionClient(services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>());
    }

    /// <summary>An HTTP server on loopback that answers every request with the given behaviour.</summary>
    private sealed class MisbehavingServer : IDisposable
    {
        private readonly HttpListener _listener = new();

        public MisbehavingServer(Action<HttpListenerRequest, HttpListenerResponse> behaviour)
        {
            Address = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
            _listener.Prefixes.Add(Address.ToString());
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    try
                    {
                        var context = await _listener.GetContextAsync();
                        _ = Task.Run(() =>
                        {
                            try
                            {
                                behaviour(context.Request, context.Response);
                                context.Response.Close();
                            }
                            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                            {
                                // The client went away first (the timeout cases).
                            }
                        });
                    }
                    catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }
                }
            });
        }

        public Uri Address { get; }

        public void Dispose()
        {
            // Close alone: the managed HttpListener's Stop already unregisters its port, and a Close after it registers the
            // port again to unregister it, which throws "Address already in use" once another process has taken the port.
            _listener.Close();
        }
    }
}
