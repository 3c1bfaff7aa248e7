using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Contracts.Events;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Messaging;
using Platform.Messaging.InProcess;
using Platform.Testing;

namespace Platform.Identity.Tests;

/// <summary>
/// Issue 17, finding 7: every access token the identity service revokes before its expiry is announced
/// (identity.token-revoked.v1) with the ids the resource services find in the JWT, and nothing about the person.
/// </summary>
public sealed class TokenRevocationEventTests : IAsyncLifetime
{
    private static readonly string Topic = EventTopics.For<AccessTokenRevokedV1>();
    private readonly ConcurrentQueue<(AccessTokenRevokedV1 Event, string Json)> _announced = new();
    private IdentityServer _server = null!;
    private IAsyncDisposable? _subscription;

    public async Task InitializeAsync()
    {
        _server = await IdentityServer.StartAsync();
        // A reader of the identity service's own bus, as consent, the vault and the ledger are when deployed.
        _subscription = _server.Service.Services.GetRequiredService<InProcessBroker>().Subscribe(Topic, "test-resource-service", Topic + ".deadletter", (message, _) =>
        {
            _announced.Enqueue(((AccessTokenRevokedV1)EventSerializer.Deserialize(message.Payload.Span, typeof(AccessTokenRevokedV1)), Encoding.UTF8.GetString(message.Payload.Span)));
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
    public async Task Revoking_an_access_token_announces_its_token_id_authorization_and_expiry_and_nothing_personal()
    {
        var patient = await TestAccounts.CreateAsync(_server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(_server.BaseAddress);
        var access = (await new CodeFlow(session).SignInThroughPortalAsync(patient)).GetProperty("access_token").GetString()!;
        var claims = Jwt.Payload(access);

        using var revoke = await session.Http.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = access,
            ["token_type_hint"] = "access_token",
            ["client_id"] = IdentityServer.PortalClient,
        }));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        var tokenId = claims.GetProperty("oi_tkn_id").GetString()!;
        await Eventually.TrueAsync(() => _announced.Any(a => a.Event.TokenId == tokenId), "the revocation is announced");
        var (announced, json) = _announced.Single(a => a.Event.TokenId == tokenId);
        Assert.Equal(claims.GetProperty("oi_au_id").GetString(), announced.AuthorizationId);
        Assert.Equal(claims.GetProperty("exp").GetInt64(), announced.ExpiresAt.ToUnixTimeSeconds());
        Assert.Equal("identity", announced.Source);
        Assert.DoesNotContain(patient.Id, json, StringComparison.Ordinal);
        Assert.DoesNotContain(patient.Email, json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(IdentityServer.PortalClient, json, StringComparison.Ordinal);

        // Revoking it again changes nothing and announces nothing more.
        using var again = await session.Http.PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = access,
            ["client_id"] = IdentityServer.PortalClient,
        }));
        await Task.Delay(500);
        Assert.Single(_announced, a => a.Event.TokenId == tokenId);
    }

    [Fact]
    public async Task A_reused_refresh_token_announces_every_access_token_of_the_revoked_chain()
    {
        var patient = await TestAccounts.CreateAsync(_server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        using var session = new FormSession(_server.BaseAddress);
        var flow = new CodeFlow(session);
        var tokens = await flow.SignInThroughPortalAsync(patient);
        var original = tokens.GetProperty("refresh_token").GetString()!;
        var (_, rotated) = await flow.TokenAsync(RefreshForm(original));
        var first = Jwt.Payload(tokens.GetProperty("access_token").GetString()!).GetProperty("oi_tkn_id").GetString()!;
        var second = Jwt.Payload(rotated.GetProperty("access_token").GetString()!).GetProperty("oi_tkn_id").GetString()!;
        Assert.DoesNotContain(_announced, a => a.Event.TokenId == first || a.Event.TokenId == second);

        var (reuse, _) = await flow.TokenAsync(RefreshForm(original));
        Assert.Equal(HttpStatusCode.BadRequest, reuse);

        await Eventually.TrueAsync(() => _announced.Any(a => a.Event.TokenId == first) && _announced.Any(a => a.Event.TokenId == second),
            "both access tokens of the chain are announced");
    }

    private static Dictionary<string, string> RefreshForm(string refreshToken) => new()
    {
        ["grant_type"] = "refresh_token",
        ["refresh_token"] = refreshToken,
        ["client_id"] = IdentityServer.PortalClient,
    };
}
