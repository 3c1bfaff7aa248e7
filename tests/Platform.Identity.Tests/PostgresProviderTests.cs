using System.Net;
using Platform.Identity.Accounts;
using Platform.Identity.Testing;
using Platform.Testing;

namespace Platform.Identity.Tests;

/// <summary>The same provider on PostgreSQL (the deployed store): sign-in with TOTP, refresh, reuse detection.</summary>
public sealed class PostgresProviderTests : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();
    private IdentityServer _server = null!;

    public async Task InitializeAsync()
    {
        await _postgres.InitializeAsync();
        var connectionString = await _postgres.CreateDatabaseAsync("identity");
        _server = await IdentityServer.StartAsync(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:identity"] = connectionString,
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _postgres.DisposeAsync();
    }

    [Fact]
    public async Task Clinician_flow_refresh_and_reuse_detection_work_on_postgres()
    {
        var clinician = await TestAccounts.CreateAsync(_server.Service.Services, PlatformRoles.Clinician);
        using var session = new FormSession(_server.BaseAddress);
        var flow = new CodeFlow(session);
        var tokens = await flow.SignInThroughPortalAsync(clinician);
        Assert.Equal("urn:platform:acr:mfa", Jwt.Payload(tokens.GetProperty("access_token").GetString()!).GetProperty("acr").GetString());

        var original = tokens.GetProperty("refresh_token").GetString()!;
        var refresh = (string token) => new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = token,
            ["client_id"] = IdentityServer.PortalClient,
        };
        var (status, rotated) = await flow.TokenAsync(refresh(original));
        Assert.Equal(HttpStatusCode.OK, status);
        var (reuseStatus, _) = await flow.TokenAsync(refresh(original));
        Assert.Equal(HttpStatusCode.BadRequest, reuseStatus);
        var (successorStatus, _) = await flow.TokenAsync(refresh(rotated.GetProperty("refresh_token").GetString()!));
        Assert.Equal(HttpStatusCode.BadRequest, successorStatus);
    }
}
