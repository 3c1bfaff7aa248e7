using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Identity.Data;
using Platform.Identity.Testing;
using Platform.Messaging;
using Platform.Messaging.InProcess;
using Platform.Testing;

namespace Platform.Identity.Tests;

/// <summary>
/// Issue 18: client_credentials access tokens are issued without a token entry, and stay revocable: the revocation
/// endpoint records the token's jti and announces it (identity.token-revoked.v1, as for stored tokens), and
/// introspection answers active:false for it, or once its client has been removed.
/// </summary>
public sealed class ServiceTokenRevocationTests : IAsyncLifetime
{
    private const string LedgerClient = "ledger";
    private const string LedgerSecret = "ledger-introspection-secret-0123456789ab";
    private static readonly string Topic = EventTopics.For<AccessTokenRevokedV1>();
    private readonly ConcurrentQueue<AccessTokenRevokedV1> _announced = new();
    private IdentityServer _server = null!;
    private IAsyncDisposable? _subscription;

    public async Task InitializeAsync()
    {
        // The ledger as a client of its own, so that a resource server (an audience of the service token) can introspect.
        _server = await IdentityServer.StartAsync(new Dictionary<string, string?>
        {
            ["Identity:Clients:9:ClientId"] = LedgerClient,
            ["Identity:Clients:9:Type"] = "confidential",
            ["Identity:Clients:9:ClientSecret"] = LedgerSecret,
            ["Identity:Clients:9:GrantTypes:0"] = "client_credentials",
            ["Identity:Clients:9:Scopes:0"] = "ledger.audit",
        });
        _subscription = _server.Service.Services.GetRequiredService<InProcessBroker>().Subscribe(Topic, "test-resource-service", Topic + ".deadletter", (message, _) =>
        {
            _announced.Enqueue((AccessTokenRevokedV1)EventSerializer.Deserialize(message.Payload.Span, typeof(AccessTokenRevokedV1)));
            return Task.FromResult(DispatchOutcome.Success);
        });
    }

    public async Task DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync();
        }
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_service_token_has_no_entry_and_once_revoked_is_inactive_and_announced_by_its_jti()
    {
        var entriesBefore = await CountTokenEntriesAsync();
        var token = await ServiceTokenAsync();
        var claims = Jwt.Payload(token);
        Assert.False(claims.TryGetProperty("oi_tkn_id", out _), "a client_credentials token carries no token entry id");
        var jwtId = claims.GetProperty("jti").GetString()!;
        Assert.Equal(entriesBefore, await CountTokenEntriesAsync());

        Assert.True((await IntrospectAsync(token, IdentityServer.ServiceClient, IdentityServer.ServiceSecret)).GetProperty("active").GetBoolean());
        Assert.True((await IntrospectAsync(token, LedgerClient, LedgerSecret)).GetProperty("active").GetBoolean());

        // Another client may not revoke it: the token stays active.
        await PostAsync("/connect/revoke", token, IdentityServer.ThirdPartyClient, IdentityServer.ThirdPartySecret);
        Assert.True((await IntrospectAsync(token, IdentityServer.ServiceClient, IdentityServer.ServiceSecret)).GetProperty("active").GetBoolean());

        using var revoked = await PostAsync("/connect/revoke", token, IdentityServer.ServiceClient, IdentityServer.ServiceSecret);
        Assert.True(revoked.StatusCode == HttpStatusCode.OK, await revoked.Content.ReadAsStringAsync());
        Assert.False((await IntrospectAsync(token, IdentityServer.ServiceClient, IdentityServer.ServiceSecret)).GetProperty("active").GetBoolean());
        Assert.False((await IntrospectAsync(token, LedgerClient, LedgerSecret)).GetProperty("active").GetBoolean());

        await Eventually.TrueAsync(() => _announced.Any(a => a.TokenId == jwtId), "the revocation is announced with the token's jti");
        var announced = _announced.Single(a => a.TokenId == jwtId);
        Assert.Null(announced.AuthorizationId);
        Assert.Equal(claims.GetProperty("exp").GetInt64(), announced.ExpiresAt.ToUnixTimeSeconds());

        // Revoking it again changes nothing and announces nothing more; another token of the same client is untouched.
        using var again = await PostAsync("/connect/revoke", token, IdentityServer.ServiceClient, IdentityServer.ServiceSecret);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var other = await ServiceTokenAsync();
        Assert.True((await IntrospectAsync(other, IdentityServer.ServiceClient, IdentityServer.ServiceSecret)).GetProperty("active").GetBoolean());
        await Task.Delay(500);
        Assert.Single(_announced, a => a.TokenId == jwtId);
    }

    [Fact]
    public async Task A_service_token_of_a_removed_client_is_inactive()
    {
        var token = await ServiceTokenAsync();
        Assert.True((await IntrospectAsync(token, LedgerClient, LedgerSecret)).GetProperty("active").GetBoolean());

        await using (var scope = _server.Service.Services.CreateAsyncScope())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            await applications.DeleteAsync((await applications.FindByClientIdAsync(IdentityServer.ServiceClient))!);
        }

        Assert.False((await IntrospectAsync(token, LedgerClient, LedgerSecret)).GetProperty("active").GetBoolean());
    }

    [Fact]
    public async Task Tokens_of_the_code_flow_keep_their_entries()
    {
        var patient = await TestAccounts.CreateAsync(_server.Service.Services, Accounts.PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(_server.BaseAddress);
        var tokens = await new CodeFlow(session).SignInThroughPortalAsync(patient);
        Assert.True(Jwt.Payload(tokens.GetProperty("access_token").GetString()!).TryGetProperty("oi_tkn_id", out _));
    }

    private async Task<int> CountTokenEntriesAsync()
    {
        await using var scope = _server.Service.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IdentityServiceDbContext>().Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>().CountAsync();
    }

    private async Task<string> ServiceTokenAsync()
    {
        using var session = new FormSession(_server.BaseAddress);
        var (status, body) = await new CodeFlow(session).TokenAsync(
            new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "consent.decide ledger.submit" },
            IdentityServer.ServiceClient, IdentityServer.ServiceSecret);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    private async Task<HttpResponseMessage> PostAsync(string path, string token, string client, string secret)
    {
        using var http = new HttpClient { BaseAddress = _server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{client}:{secret}")));
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private async Task<JsonElement> IntrospectAsync(string token, string client, string secret)
    {
        using var response = await PostAsync("/connect/introspect", token, client, secret);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
