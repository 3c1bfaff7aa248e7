using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests;

/// <summary>
/// Issue 17, finding 14: values that let a reader complete someone's sign-in (the PKCE code_verifier, a pushed
/// request's request_uri) never reach the logs, even with every category at Debug.
/// </summary>
public sealed class SecretLoggingTests
{
    [Fact]
    public async Task A_code_flow_with_PAR_logs_neither_the_code_verifier_nor_the_request_uri()
    {
        var logs = new CapturedLogs();
        await using var server = await IdentityServer.StartAsync(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Debug" },
            builder => builder.Logging.AddProvider(logs));
        var patient = await TestAccounts.CreateAsync(server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(server.BaseAddress);
        var pkce = Pkce.Create();
        using var pushed = await session.Http.PostAsync("/connect/par", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = IdentityServer.PortalClient,
            ["redirect_uri"] = IdentityServer.PortalRedirect,
            ["response_type"] = "code",
            ["scope"] = "openid",
            ["code_challenge"] = pkce.Challenge,
            ["code_challenge_method"] = "S256",
        }));
        Assert.Equal(HttpStatusCode.Created, pushed.StatusCode);
        var requestUri = (await pushed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("request_uri").GetString()!;
        var flow = new CodeFlow(session);
        var redirect = await flow.RunAsync($"/connect/authorize?client_id={IdentityServer.PortalClient}&request_uri={Uri.EscapeDataString(requestUri)}", patient);
        var (status, _) = await flow.RedeemCodeAsync(CodeFlow.QueryOf(redirect)["code"], IdentityServer.PortalClient, IdentityServer.PortalRedirect, pkce.Verifier);
        Assert.Equal(HttpStatusCode.OK, status);

        Assert.NotEmpty(logs.Lines); // the capture works: Debug lines of other categories arrive
        var requestUriId = requestUri[(requestUri.LastIndexOf(':') + 1)..];
        Assert.DoesNotContain(logs.Lines, l => l.Contains(pkce.Verifier, StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains(requestUriId, StringComparison.Ordinal));
    }

    /// <summary>Every log line of the service: message and category.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {exception}");
        }
    }
}
