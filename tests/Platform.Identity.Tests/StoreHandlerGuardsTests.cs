using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Platform.Identity.Accounts;
using Platform.Identity.Oidc;
using Platform.Identity.Testing;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers;

namespace Platform.Identity.Tests;

/// <summary>
/// Issue 18: OpenIddict's <c>RedeemTokenEntry</c> and <c>AttachAuthorization</c> carry one more filter each
/// (<see cref="StoreHandlerGuards"/>), so that a client_credentials token request does not build the token and
/// authorization managers they take. The filters must stay active wherever the handlers act: the code and refresh flows
/// the other tests drive (codes redeemed once, refresh tokens rotated and revoked with their authorization) run through
/// them; these check the replacement and each filter's answers.
/// </summary>
public sealed class StoreHandlerGuardsTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    public static TheoryData<string, Type> Guarded => new()
    {
        { nameof(RedeemTokenEntry), typeof(RequireNotClientCredentialsTokenRequest) },
        { nameof(AttachAuthorization), typeof(RequireAuthorizationBoundTokenGenerated) },
    };

    [Theory]
    [MemberData(nameof(Guarded))]
    public void The_built_in_handler_keeps_its_service_order_and_filters_and_gains_the_guard(string handler, Type guard)
    {
        var builtIn = handler == nameof(RedeemTokenEntry) ? RedeemTokenEntry.Descriptor : AttachAuthorization.Descriptor;
        var options = fixture.Server.Service.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;

        var descriptor = Assert.Single(options.Handlers, d => d.ServiceDescriptor.ServiceType == builtIn.ServiceDescriptor.ServiceType);

        Assert.NotSame(builtIn, descriptor);
        Assert.Same(builtIn.ServiceDescriptor, descriptor.ServiceDescriptor);
        Assert.Equal(builtIn.Order, descriptor.Order);
        Assert.Equal(builtIn.Type, descriptor.Type);
        Assert.Equal([.. builtIn.FilterTypes, guard], descriptor.FilterTypes.ToArray());
        Assert.NotNull(fixture.Server.Service.Services.GetService(guard));
    }

    [Theory]
    [InlineData(OpenIddictServerEndpointType.Token, GrantTypes.ClientCredentials, false)]
    [InlineData(OpenIddictServerEndpointType.Token, GrantTypes.AuthorizationCode, true)]
    [InlineData(OpenIddictServerEndpointType.Token, GrantTypes.RefreshToken, true)]
    [InlineData(OpenIddictServerEndpointType.Token, GrantTypes.DeviceCode, true)]
    [InlineData(OpenIddictServerEndpointType.Authorization, null, true)]
    [InlineData(OpenIddictServerEndpointType.EndUserVerification, null, true)]
    public async Task Redeeming_is_skipped_only_for_client_credentials_at_the_token_endpoint(OpenIddictServerEndpointType endpoint, string? grantType, bool active)
    {
        var context = SignIn(endpoint, grantType);

        Assert.Equal(active, await new RequireNotClientCredentialsTokenRequest().IsActiveAsync(context));
    }

    [Theory]
    [InlineData(false, false, false, false)]
    [InlineData(true, false, false, true)]
    [InlineData(false, true, false, true)]
    [InlineData(false, false, true, true)]
    public async Task An_authorization_is_considered_only_when_a_code_device_code_or_refresh_token_is_generated(
        bool code, bool deviceCode, bool refreshToken, bool active)
    {
        var context = SignIn(OpenIddictServerEndpointType.Token, GrantTypes.ClientCredentials);
        context.GenerateAccessToken = true;
        context.GenerateAuthorizationCode = code;
        context.GenerateDeviceCode = deviceCode;
        context.GenerateRefreshToken = refreshToken;

        Assert.Equal(active, await new RequireAuthorizationBoundTokenGenerated().IsActiveAsync(context));
    }

    [Fact]
    public async Task A_service_token_is_still_issued_and_a_code_flow_still_gets_a_refresh_token_that_redeems()
    {
        using var session = new FormSession(fixture.Server.BaseAddress);
        var flow = new CodeFlow(session);
        var (status, body) = await flow.TokenAsync(
            new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "consent.decide" },
            IdentityServer.ServiceClient, IdentityServer.ServiceSecret);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.TryGetProperty("access_token", out _));

        // Redemption and the authorization behind a refresh token are exercised in depth by TokenLifecycleTests and
        // AuthorizationChainTests (reuse revokes the family, a replayed code revokes its chain).
        var patient = await TestAccounts.CreateAsync(fixture.Server.Service.Services, PlatformRoles.Patient, enrolTotp: false);
        var refreshToken = (await flow.SignInThroughPortalAsync(patient)).GetProperty("refresh_token").GetString()!;
        var (refreshed, _) = await flow.TokenAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
            ["client_id"] = IdentityServer.PortalClient,
        });
        Assert.Equal(HttpStatusCode.OK, refreshed);
    }

    private static ProcessSignInContext SignIn(OpenIddictServerEndpointType endpoint, string? grantType) =>
        new(new OpenIddictServerTransaction
        {
            Options = new OpenIddictServerOptions(),
            Logger = NullLogger.Instance,
            EndpointType = endpoint,
            Request = new OpenIddictRequest { GrantType = grantType },
        });
}
