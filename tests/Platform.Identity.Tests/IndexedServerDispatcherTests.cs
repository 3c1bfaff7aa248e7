using System.Net;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using Platform.Identity.Oidc;
using Platform.Identity.Testing;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Tests;

/// <summary>
/// Issue 18: OpenIddict's dispatcher is replaced by <see cref="IndexedServerDispatcher"/>, which must run exactly the
/// handlers OpenIddict's would: per event, the options' descriptors of that context type in the options' order, and a
/// singleton resolved once being the very instance the request's scope resolves. Every flow the other tests drive goes
/// through it; these check the replacement is in place and that its index agrees with OpenIddict's own list.
/// </summary>
public sealed class IndexedServerDispatcherTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    [Fact]
    public async Task The_server_dispatches_through_the_indexed_dispatcher_and_still_issues_service_tokens()
    {
        await using var scope = fixture.Server.Service.Services.CreateAsyncScope();
        Assert.IsType<IndexedServerDispatcher>(scope.ServiceProvider.GetRequiredService<IOpenIddictServerDispatcher>());

        using var session = new FormSession(fixture.Server.BaseAddress);
        var (status, body) = await new CodeFlow(session).TokenAsync(
            new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "consent.decide" },
            IdentityServer.ServiceClient, IdentityServer.ServiceSecret);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("ES256", Jwt.Header(body.GetProperty("access_token").GetString()!).GetProperty("alg").GetString());
    }

    [Fact]
    public async Task For_every_event_the_index_lists_the_options_handlers_of_that_event_in_order_with_the_scopes_singletons()
    {
        var options = fixture.Server.Service.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;
        var index = fixture.Server.Service.Services.GetRequiredService<ServerHandlerIndex>();
        await using var scope = fixture.Server.Service.Services.CreateAsyncScope();
        var contextTypes = options.Handlers.Select(d => d.ContextType).Distinct().ToList();
        Assert.Contains(typeof(ProcessSignInContext), contextTypes);
        var check = typeof(IndexedServerDispatcherTests).GetMethod(nameof(Check), BindingFlags.NonPublic | BindingFlags.Static)!;
        var singletons = 0;
        foreach (var contextType in contextTypes)
        {
            singletons += (int)check.MakeGenericMethod(contextType).Invoke(null, [index, options, scope.ServiceProvider])!;
        }
        // The index holds some singletons (else it would save nothing): OpenIddict registers most filters that way.
        Assert.True(singletons > 0);
    }

    private static int Check<TContext>(ServerHandlerIndex index, OpenIddictServerOptions options, IServiceProvider scope) where TContext : BaseContext
    {
        var entries = index.For<TContext>(options);
        Assert.Equal(options.Handlers.Where(d => d.ContextType == typeof(TContext)), entries.Select(e => e.Descriptor));
        var singletons = 0;
        foreach (var entry in entries)
        {
            if (entry.Handler is not null && entry.Descriptor.ServiceDescriptor.ImplementationInstance is null)
            {
                Assert.Same(scope.GetService(entry.Descriptor.ServiceDescriptor.ServiceType), entry.Handler);
                singletons++;
            }
            for (var position = 0; position < entry.Filters.Length; position++)
            {
                if (entry.Filters[position] is { } filter)
                {
                    Assert.Same(scope.GetService(entry.Descriptor.FilterTypes[position]), filter);
                    singletons++;
                }
            }
        }
        return singletons;
    }
}
