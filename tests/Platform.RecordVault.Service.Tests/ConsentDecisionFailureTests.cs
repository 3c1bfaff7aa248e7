using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Platform.RecordVault.Access;
using Platform.Testing;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// Issue 23 item 2: a consent service that times out or answers something that is not a decision denies (an
/// audited refusal, like an unreachable one), never a 500. The consent side is a real HTTP server that misbehaves.
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
    public async Task An_answer_that_is_not_a_decision_denies(string body, string reason)
    {
        using var consent = new MisbehavingServer((_, response) => Respond(response, body));
        var decision = await Client(consent.Address, TimeSpan.FromSeconds(5)).DecideAsync("p", "c", "observation", "TREAT", "access", false, CancellationToken.None);
        Assert.False(decision.Permits);
        Assert.Equal(reason, decision.Reason);
    }

    [Fact]
    public async Task A_consent_service_that_does_not_answer_in_time_denies()
    {
        using var release = new SemaphoreSlim(0);
        using var consent = new MisbehavingServer((_, _) => release.Wait(TimeSpan.FromSeconds(10)));
        var decision = await Client(consent.Address, TimeSpan.FromMilliseconds(300)).DecideAsync("p", "c", "observation", "TREAT", "access", false, CancellationToken.None);
        release.Release();
        Assert.False(decision.Permits);
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
        release.Release();
    }

    private static void Respond(HttpListenerResponse response, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = 200;
        response.ContentType = "application/json";
        response.OutputStream.Write(bytes);
    }

    private static ConsentDecisionClient Client(Uri address, TimeSpan timeout)
    {
        var services = new ServiceCollection();
        services.AddHttpClient(ConsentDecisionClient.HttpClientName, c =>
        {
            c.BaseAddress = address;
            c.Timeout = timeout;
        });
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
            _listener.Stop();
            _listener.Close();
        }
    }
}
