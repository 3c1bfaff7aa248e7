using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using Platform.Identity.Oidc;
using Platform.Identity.Testing;
using Platform.Identity.Tests.Standards;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;
using static OpenIddict.Server.OpenIddictServerHandlers;

namespace Platform.Identity.Tests;

/// <summary>
/// Issue 18: a client_credentials request whose client is confidential and whose secret matches the stored keyed hash
/// is authenticated and authorized from the client's shared snapshot (<see cref="ClientSnapshotAuthentication"/>), and
/// OpenIddict's client and permission handlers, with the application manager and database context they take, are not
/// built for it. Every refusal is still OpenIddict's, and a change made through the managers is in force for the next
/// request.
/// </summary>
public sealed class ClientSnapshotAuthenticationTests : IAsyncLifetime
{
    private const string DpopServiceClient = "dpop-service";
    private const string DpopServiceSecret = "dpop-service-secret-0123456789abcdefghij";

    private readonly ConcurrentQueue<(bool Client, bool Permissions)> _signIns = new();
    private IdentityServer _server = null!;

    public async Task InitializeAsync()
    {
        // Long enough that the snapshot taken by the first request answers all the others, however slow the machine.
        // The snapshot checks inside OpenIddict's pipeline are what this class tests: the earlier answer from the snapshots
        // (ServiceTokenFromSnapshot, tested in ServiceTokenFromSnapshotTests) is off here.
        var settings = new Dictionary<string, string?> { ["Identity:EntityCacheLifetime"] = "00:10:00", ["Identity:ServiceTokensFromSnapshot"] = "false" };
        foreach (var (key, value) in new ClientDefinition
                 {
                     ClientId = DpopServiceClient,
                     ClientSecret = DpopServiceSecret,
                     GrantTypes = ["client_credentials"],
                     Scopes = ["ledger.submit"],
                     RequireDpop = true,
                 }.ToSettings(20))
        {
            settings[key] = value;
        }
        // What each token sign-in found in its transaction: whether the client and its permissions came from the snapshot.
        _server = await IdentityServer.StartAsync(settings, builder => builder.Services.Configure<OpenIddictServerOptions>(options =>
            options.Handlers.Add(OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
                .UseInlineHandler(context =>
                {
                    _signIns.Enqueue((VerifyClientFromSnapshot.Of(context.Transaction, context.ClientId) is not null,
                        context.Transaction.Properties.ContainsKey(VerifyTokenPermissionsFromSnapshot.Property)));
                    return default;
                })
                .SetOrder(int.MinValue)
                .Build())));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, Type> Guarded => new()
    {
        { nameof(ValidateClientId), typeof(RequireClientNotVerifiedFromSnapshot) },
        { nameof(ValidateClientType), typeof(RequireClientNotVerifiedFromSnapshot) },
        { nameof(ValidateClientSecret), typeof(RequireClientNotVerifiedFromSnapshot) },
        { nameof(Exchange.ValidateEndpointPermissions), typeof(RequirePermissionsNotVerifiedFromSnapshot) },
        { nameof(Exchange.ValidateGrantTypePermissions), typeof(RequirePermissionsNotVerifiedFromSnapshot) },
        { nameof(Exchange.ValidateScopePermissions), typeof(RequirePermissionsNotVerifiedFromSnapshot) },
        { nameof(Exchange.ValidateAudiencePermissions), typeof(RequirePermissionsNotVerifiedFromSnapshot) },
        { nameof(Exchange.ValidateResourcePermissions), typeof(RequirePermissionsNotVerifiedFromSnapshot) },
        { nameof(Exchange.ValidateProofKeyForCodeExchangeRequirement), typeof(RequirePermissionsNotVerifiedFromSnapshot) },
    };

    [Theory]
    [MemberData(nameof(Guarded))]
    public void OpenIddicts_client_and_permission_handlers_keep_their_order_and_filters_and_gain_the_snapshot_filter(string handler, Type filter)
    {
        var builtIn = handler switch
        {
            nameof(ValidateClientId) => ValidateClientId.Descriptor,
            nameof(ValidateClientType) => ValidateClientType.Descriptor,
            nameof(ValidateClientSecret) => ValidateClientSecret.Descriptor,
            nameof(Exchange.ValidateEndpointPermissions) => Exchange.ValidateEndpointPermissions.Descriptor,
            nameof(Exchange.ValidateGrantTypePermissions) => Exchange.ValidateGrantTypePermissions.Descriptor,
            nameof(Exchange.ValidateScopePermissions) => Exchange.ValidateScopePermissions.Descriptor,
            nameof(Exchange.ValidateAudiencePermissions) => Exchange.ValidateAudiencePermissions.Descriptor,
            nameof(Exchange.ValidateResourcePermissions) => Exchange.ValidateResourcePermissions.Descriptor,
            _ => Exchange.ValidateProofKeyForCodeExchangeRequirement.Descriptor,
        };
        var options = _server.Service.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;

        var descriptor = Assert.Single(options.Handlers, d => d.ServiceDescriptor.ServiceType == builtIn.ServiceDescriptor.ServiceType);

        Assert.Same(builtIn.ServiceDescriptor, descriptor.ServiceDescriptor);
        Assert.Equal(builtIn.Order, descriptor.Order);
        Assert.Equal([.. builtIn.FilterTypes, filter], descriptor.FilterTypes.ToArray());
        Assert.NotNull(_server.Service.Services.GetService(filter));
    }

    [Fact]
    public async Task Service_tokens_are_authenticated_and_authorized_from_the_clients_snapshot()
    {
        for (var i = 0; i < 3; i++)
        {
            var (status, body) = await ServiceTokenAsync(IdentityServer.ServiceSecret);
            Assert.Equal(HttpStatusCode.OK, status);
            var payload = Jwt.Payload(body.GetProperty("access_token").GetString()!);
            Assert.Equal(IdentityServer.ServiceClient, payload.GetProperty("sub").GetString());
            // The lifetime OpenIddict would have read from the client (none of its own: the server's five minutes).
            Assert.Equal(300, payload.GetProperty("exp").GetInt64() - payload.GetProperty("iat").GetInt64());
        }

        Assert.Equal([(true, true), (true, true), (true, true)], _signIns.ToArray());
    }

    [Fact]
    public async Task The_filters_skip_OpenIddicts_handlers_only_for_the_client_verified_from_its_snapshot()
    {
        var snapshot = new ClientSnapshot(IdentityServer.ServiceClient, true, new byte[32], FrozenSet<string>.Empty, null, null, false);
        foreach (var (clientId, kept, active) in new[]
        {
            (IdentityServer.ServiceClient, true, false),
            (IdentityServer.ThirdPartyClient, true, true), // a snapshot of another client never counts
            (IdentityServer.ServiceClient, false, true),
        })
        {
            var transaction = new OpenIddictServerTransaction
            {
                Options = new OpenIddictServerOptions(),
                Logger = NullLogger.Instance,
                EndpointType = OpenIddictServerEndpointType.Token,
                Request = new OpenIddictRequest { GrantType = GrantTypes.ClientCredentials, ClientId = clientId },
            };
            if (kept)
            {
                transaction.Properties[VerifyClientFromSnapshot.Property] = snapshot;
                transaction.Properties[VerifyTokenPermissionsFromSnapshot.Property] = snapshot;
            }
            Assert.Equal(active, await new RequireClientNotVerifiedFromSnapshot().IsActiveAsync(
                new ProcessAuthenticationContext(transaction)));
            Assert.Equal(active, await new RequirePermissionsNotVerifiedFromSnapshot().IsActiveAsync(new ValidateTokenRequestContext(transaction)));
        }
    }

    [Fact]
    public async Task A_wrong_secret_or_a_scope_outside_the_permissions_is_still_refused_once_the_snapshot_is_kept()
    {
        Assert.Equal(HttpStatusCode.OK, (await ServiceTokenAsync(IdentityServer.ServiceSecret)).Status);

        var wrong = await ServiceTokenAsync("wrong-secret-wrong-secret-wrong-secret");
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (wrong.Status, wrong.Body.GetProperty("error").GetString()));
        Assert.False(wrong.Body.TryGetProperty("access_token", out _));

        var outside = await ServiceTokenAsync(IdentityServer.ServiceSecret, "ledger.submit identity.admin");
        Assert.Equal(HttpStatusCode.BadRequest, outside.Status);
        Assert.Contains("scope", outside.Body.GetProperty("error_description").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.False(outside.Body.TryGetProperty("access_token", out _));
    }

    [Theory]
    [InlineData("scope", "ledger.submit offline_access")] // offline_access needs the refresh_token grant, which the client lacks
    [InlineData("audience", "somewhere-else")]
    [InlineData("resource", "https://elsewhere.example/")]
    public async Task A_request_for_more_than_the_client_may_have_is_refused_by_OpenIddict_once_the_snapshot_is_kept(string parameter, string value)
    {
        Assert.Equal(HttpStatusCode.OK, (await ServiceTokenAsync(IdentityServer.ServiceSecret)).Status);

        using var session = new FormSession(_server.BaseAddress);
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "ledger.submit" };
        form[parameter] = value;
        var (status, body) = await new CodeFlow(session).TokenAsync(form, IdentityServer.ServiceClient, IdentityServer.ServiceSecret);

        Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, $"{status}: {body}");
        Assert.False(body.TryGetProperty("access_token", out _));
        Assert.Single(_signIns); // only the first request signed in
    }

    [Fact]
    public async Task A_secret_changed_through_the_manager_is_in_force_for_the_next_request()
    {
        Assert.Equal(HttpStatusCode.OK, (await ServiceTokenAsync(IdentityServer.ServiceSecret)).Status);
        const string rotated = "rotated-service-secret-0123456789abcdefghij";
        await using (var scope = _server.Service.Services.CreateAsyncScope())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var client = (await applications.FindByClientIdAsync(IdentityServer.ServiceClient))!;
            var descriptor = new OpenIddictApplicationDescriptor();
            await applications.PopulateAsync(descriptor, client);
            descriptor.ClientSecret = rotated;
            await applications.UpdateAsync(client, descriptor);
        }

        var old = await ServiceTokenAsync(IdentityServer.ServiceSecret);
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (old.Status, old.Body.GetProperty("error").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await ServiceTokenAsync(rotated)).Status);
    }

    [Fact]
    public async Task A_service_client_that_must_use_dpop_gets_no_token_without_a_proof_and_a_bound_one_with_it()
    {
        using var session = new FormSession(_server.BaseAddress);
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["scope"] = "ledger.submit",
            ["client_id"] = DpopServiceClient, ["client_secret"] = DpopServiceSecret,
        };
        var refused = await DpopTokenRequest.SendAsync(session, form, proof: null);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_dpop_proof"), (refused.Status, refused.Body.GetProperty("error").GetString()));

        using var key = new DpopKey();
        var endpoint = new Uri(_server.BaseAddress, "/connect/token").AbsoluteUri;
        var nonce = (await DpopTokenRequest.SendAsync(session, form, key.Proof("POST", endpoint))).Nonce;
        Assert.NotNull(nonce);
        var issued = await DpopTokenRequest.SendAsync(session, form, key.Proof("POST", endpoint, nonce: nonce));
        Assert.True(issued.Status == HttpStatusCode.OK, issued.Body.ToString());
        Assert.Equal("DPoP", issued.Body.GetProperty("token_type").GetString());
        Assert.Equal(key.Thumbprint, Jwt.Payload(issued.Body.GetProperty("access_token").GetString()!).GetProperty("cnf").GetProperty("jkt").GetString());
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> ServiceTokenAsync(string secret, string scope = "consent.decide ledger.submit")
    {
        using var session = new FormSession(_server.BaseAddress);
        return await new CodeFlow(session).TokenAsync(
            new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = scope },
            IdentityServer.ServiceClient, secret);
    }
}
