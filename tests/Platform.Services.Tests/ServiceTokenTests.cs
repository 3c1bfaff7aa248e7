using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Identity;
using Platform.Ledger;
using Platform.Testing;

namespace Platform.Services.Tests;

/// <summary>The ledger admits submissions with a client-credentials token from the identity service, and only then; entries likewise only with <c>ledger.audit</c>.</summary>
public sealed class ServiceTokenTests : IAsyncLifetime
{
    private const string Secret = "ledger-submitter-secret-0123456789abcdef";
    private ServiceUnderTest _identity = null!;
    private ServiceUnderTest _ledger = null!;

    public async Task InitializeAsync()
    {
        _identity = await ServiceUnderTest.StartAsync(IdentityService.Build, new Dictionary<string, string?>
        {
            ["Keys:Provider"] = "Software",
            ["Identity:AllowHttp"] = "true",
            ["Identity:Clients:0:ClientId"] = "submitter",
            ["Identity:Clients:0:ClientSecret"] = Secret,
            ["Identity:Clients:0:GrantTypes:0"] = "client_credentials",
            ["Identity:Clients:0:Scopes:0"] = "ledger.submit",
            ["Identity:Clients:0:Scopes:1"] = "consent.decide",
            ["Identity:Clients:0:Scopes:2"] = "ledger.audit",
        });
        _ledger = await ServiceUnderTest.StartAsync(LedgerService.Build, new Dictionary<string, string?>
        {
            ["Keys:Provider"] = "Software",
            ["Ledger:Replicas:0:Name"] = "ledger-0",
            ["Ledger:Replicas:0:RaftEndPoint"] = $"127.0.0.1:{FreePort.Next()}",
            ["Authentication:Authority"] = _identity.Client.BaseAddress!.AbsoluteUri,
            ["Authentication:RequireHttpsMetadata"] = "false",
        });
    }

    public async Task DisposeAsync()
    {
        await _ledger.DisposeAsync();
        await _identity.DisposeAsync();
    }

    [Fact]
    public async Task Ledger_accepts_a_ledger_token_and_refuses_none_or_another_audience()
    {
        var ledgerToken = await TokenAsync("ledger.submit");
        var consentToken = await TokenAsync("consent.decide");

        var admitted = await SubmitAsync(ledgerToken);
        // Past authentication: the (deliberately malformed) event itself is what gets refused.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, admitted.Status);
        Assert.NotEqual("unauthorized", admitted.Code);

        Assert.Equal(HttpStatusCode.Unauthorized, (await SubmitAsync(null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SubmitAsync(consentToken)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SubmitAsync(ledgerToken[..^4] + "AAAA")).Status);
    }

    [Fact]
    public async Task Entries_are_for_ledger_audit_tokens_only()
    {
        // Entry 0 does not exist: 404 means the caller was admitted, 401/403 that it was not.
        async Task<HttpStatusCode> ReadAsync(string? token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/entries/0");
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            using var response = await _ledger.Client.SendAsync(request);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.NotFound, await ReadAsync(await TokenAsync("ledger.audit")));
        Assert.Equal(HttpStatusCode.Forbidden, await ReadAsync(await TokenAsync("ledger.submit")));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(await TokenAsync("consent.decide")));
        Assert.Equal(HttpStatusCode.Unauthorized, await ReadAsync(null));
        // Checkpoints and keys stay public.
        Assert.Equal(HttpStatusCode.OK, (await _ledger.Client.GetAsync("/replicas/keys")).StatusCode);
    }

    private async Task<string> TokenAsync(string scope)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = scope }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"submitter:{Secret}")));
        using var response = await _identity.Client.SendAsync(request);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    private async Task<(HttpStatusCode Status, string? Code)> SubmitAsync(string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/entries") { Content = JsonContent.Create(new { signedEvent = "not.a.jws" }) };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await _ledger.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var code = text.Length > 0 && JsonDocument.Parse(text).RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
        return (response.StatusCode, code);
    }
}
