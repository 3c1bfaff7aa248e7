using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using Platform.Identity.Oidc;
using Platform.Identity.Testing;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Tests;

/// <summary>
/// Issue 18: OpenIddict's <c>InferEndpointType</c> is replaced by <see cref="CachedEndpointTypeInference"/>, which
/// resolves the endpoint paths once per base address. These run OpenIddict's own handler and the replacement on the
/// same requests (relative and absolute endpoint URIs, path bases with and without a trailing slash, case and trailing
/// slash variants, other hosts, ports and schemes, a relative URI that climbs out of the path base, the server's own
/// options with its issuer) and require the same endpoint type every time.
/// </summary>
public sealed class CachedEndpointTypeInferenceTests(IdentityServerFixture fixture) : IClassFixture<IdentityServerFixture>
{
    private static readonly string[] Bases =
    [
        "http://localhost/", "http://localhost:5000/", "HTTP://LocalHost:5000/", "https://id.example.org/identity",
        "https://id.example.org/identity/", "https://id.example.org/a/b", "http://[::1]:8080/", "http://127.0.0.1:49152/",
    ];

    [Fact]
    public void The_servers_options_run_the_replacement_in_the_built_ins_place()
    {
        var options = fixture.Server.Service.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;
        Assert.DoesNotContain(OpenIddictServerHandlers.InferEndpointType.Descriptor, options.Handlers);
        var ours = Assert.Single(options.Handlers, d => d.ServiceDescriptor.ServiceType == typeof(CachedEndpointTypeInference));
        Assert.Equal(OpenIddictServerHandlers.InferEndpointType.Descriptor.Order, ours.Order);
    }

    [Fact]
    public void With_the_servers_own_options_every_request_gets_the_built_ins_endpoint_type()
    {
        var options = fixture.Server.Service.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;
        var matched = AssertSameAnswers(options);
        // Every configured endpoint was recognised somewhere, so the comparison covered each of them.
        Assert.Contains(OpenIddictServerEndpointType.Token, matched);
        Assert.Contains(OpenIddictServerEndpointType.Configuration, matched);
        Assert.Contains(OpenIddictServerEndpointType.PushedAuthorization, matched);
        Assert.Contains(OpenIddictServerEndpointType.JsonWebKeySet, matched);
    }

    [Fact]
    public void With_absolute_relative_escaping_and_overlapping_endpoint_uris_every_request_gets_the_built_ins_endpoint_type()
    {
        var options = new OpenIddictServerOptions { Issuer = new Uri("https://issuer.example.net/tenant/") };
        options.TokenEndpointUris.Add(new Uri("connect/token", UriKind.Relative));
        options.TokenEndpointUris.Add(new Uri("https://login.example.com/oauth/token", UriKind.Absolute));
        options.UserInfoEndpointUris.Add(new Uri("connect/userinfo/", UriKind.Relative));
        // A leading slash resolves to the host's root, outside a path base: the built-in then drops it.
        options.IntrospectionEndpointUris.Add(new Uri("/connect/introspect", UriKind.Relative));
        options.RevocationEndpointUris.Add(new Uri("../revoke", UriKind.Relative));
        // The same path under two endpoint types: the first in the built-in's order (authorization) wins.
        options.AuthorizationEndpointUris.Add(new Uri("shared", UriKind.Relative));
        options.EndSessionEndpointUris.Add(new Uri("shared", UriKind.Relative));
        options.ConfigurationEndpointUris.Add(new Uri(".well-known/openid-configuration", UriKind.Relative));
        options.JsonWebKeySetEndpointUris.Add(new Uri("HTTP://LOGIN.EXAMPLE.COM:80/Keys/", UriKind.Absolute));

        var matched = AssertSameAnswers(options);
        Assert.Contains(OpenIddictServerEndpointType.Token, matched);
        Assert.Contains(OpenIddictServerEndpointType.Introspection, matched);
        Assert.Contains(OpenIddictServerEndpointType.JsonWebKeySet, matched);
        Assert.Contains(OpenIddictServerEndpointType.Authorization, matched);
        Assert.DoesNotContain(OpenIddictServerEndpointType.EndSession, matched);
    }

    [Fact]
    public void Past_the_bound_on_kept_base_addresses_answers_stay_the_built_ins()
    {
        var options = fixture.Server.Service.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue;
        var ours = new CachedEndpointTypeInference();
        var builtIn = new OpenIddictServerHandlers.InferEndpointType();
        for (var host = 0; host < CachedEndpointTypeInference.MaxBases * 2; host++)
        {
            var baseUri = new Uri($"http://h{host}.example.org/");
            foreach (var path in new[] { "connect/token", "connect/TOKEN/", "nothing" })
            {
                var requestUri = new Uri(baseUri, path);
                Assert.Equal(Infer(builtIn, options, baseUri, requestUri), Infer(ours, options, baseUri, requestUri));
            }
        }
        Assert.Equal(OpenIddictServerEndpointType.Token,
            Infer(ours, options, new Uri("http://h1.example.org/"), new Uri("http://h1.example.org/connect/token")));
    }

    [Fact]
    public async Task A_token_request_through_the_server_is_still_recognised_and_answered()
    {
        using var session = new FormSession(fixture.Server.BaseAddress);
        var (status, body) = await new CodeFlow(session).TokenAsync(
            new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "consent.decide" },
            IdentityServer.ServiceClient, IdentityServer.ServiceSecret);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
    }

    /// <summary>Runs both handlers on every base × request pairing; returns the endpoint types seen.</summary>
    private static HashSet<OpenIddictServerEndpointType> AssertSameAnswers(OpenIddictServerOptions options)
    {
        var builtIn = new OpenIddictServerHandlers.InferEndpointType();
        var ours = new CachedEndpointTypeInference();
        var seen = new HashSet<OpenIddictServerEndpointType>();
        var paths = EndpointPaths(options).SelectMany(Variants).Append("").Append("unknown/path").Append("connect").ToList();
        // Twice: the first pass fills the replacement's table, the second reads from it.
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (var baseText in Bases)
            {
                var baseUri = new Uri(baseText);
                foreach (var requestUri in Requests(baseUri, paths))
                {
                    var expected = Infer(builtIn, options, baseUri, requestUri);
                    var actual = Infer(ours, options, baseUri, requestUri);
                    Assert.True(expected == actual, $"base {baseUri}, request {requestUri}: OpenIddict {expected}, ours {actual}");
                    seen.Add(actual);
                }
            }
        }
        return seen;
    }

    private static IEnumerable<string> EndpointPaths(OpenIddictServerOptions options) =>
        new[]
        {
            options.AuthorizationEndpointUris, options.ConfigurationEndpointUris, options.DeviceAuthorizationEndpointUris,
            options.EndSessionEndpointUris, options.EndUserVerificationEndpointUris, options.IntrospectionEndpointUris,
            options.JsonWebKeySetEndpointUris, options.PushedAuthorizationEndpointUris, options.RevocationEndpointUris,
            options.TokenEndpointUris, options.UserInfoEndpointUris,
        }.SelectMany(uris => uris).Select(uri => uri.IsAbsoluteUri ? uri.AbsolutePath.TrimStart('/') : uri.OriginalString.TrimStart('/'));

    private static IEnumerable<string> Variants(string path) =>
        [path, path.ToUpperInvariant(), path + "/", path.TrimEnd('/'), path + "//", path + "x", path + "?a=b"];

    /// <summary>Each path under the base, at the host's root, and on another host, port and scheme.</summary>
    private static IEnumerable<Uri> Requests(Uri baseUri, IEnumerable<string> paths)
    {
        var directory = baseUri.AbsoluteUri.EndsWith('/') ? baseUri.AbsoluteUri : baseUri.AbsoluteUri + "/";
        var root = baseUri.GetLeftPart(UriPartial.Authority) + "/";
        foreach (var path in paths)
        {
            yield return new Uri(directory + path);
            yield return new Uri(root + path);
            yield return new Uri("https://login.example.com/" + path);
            yield return new Uri("http://login.example.com/" + path);
            yield return new Uri(new UriBuilder(new Uri(directory + path)) { Port = 1 }.Uri.AbsoluteUri);
            yield return new Uri(new UriBuilder(new Uri(directory + path)) { Scheme = baseUri.Scheme == "https" ? "http" : "https", Port = -1 }.Uri.AbsoluteUri);
        }
    }

    private static OpenIddictServerEndpointType Infer(IOpenIddictServerHandler<ProcessRequestContext> handler, OpenIddictServerOptions options, Uri baseUri, Uri requestUri)
    {
        var transaction = new OpenIddictServerTransaction { Options = options, Logger = NullLogger.Instance };
        var context = new ProcessRequestContext(transaction) { BaseUri = baseUri, RequestUri = requestUri };
        Assert.True(handler.HandleAsync(context).IsCompletedSuccessfully);
        return context.EndpointType;
    }
}
