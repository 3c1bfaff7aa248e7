using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Platform.Identity.Oidc;

/// <summary>
/// Tells OpenIddict which endpoint a request is for, in place of its built-in <c>InferEndpointType</c>, which builds an
/// absolute <see cref="Uri"/> for every configured endpoint, in turn, on every request the service receives (about
/// 6 KiB and a dozen URI parses per token request; issue 18). Here the endpoints are resolved against a base address
/// once and kept, per options instance (rebuilt when signing keys rotate), so a request costs a walk over a few
/// precomputed paths. The answers are the built-in's: the same endpoint order (first match wins), relative endpoint
/// URIs resolved against the request's base (scheme, host, path base) and kept only when they stay under it, absolute
/// ones compared as they are, scheme and host compared without case, paths without case and up to one trailing slash.
/// The base comes from the request's Host header, which a client chooses: at most <see cref="MaxBases"/> bases are
/// kept and the rest resolved per request, as the built-in does, so a caller cannot make the cache grow.
/// </summary>
public sealed class CachedEndpointTypeInference : IOpenIddictServerHandler<ProcessRequestContext>
{
    /// <summary>Distinct base addresses kept per options instance; a deployment answers under one or two.</summary>
    public const int MaxBases = 64;

    /// <summary>In OpenIddict's place and order: after the request URI is resolved, before anything reads the endpoint type.</summary>
    public static OpenIddictServerHandlerDescriptor Descriptor { get; }
        = OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessRequestContext>()
            .UseSingletonHandler<CachedEndpointTypeInference>()
            .SetOrder(OpenIddictServerHandlers.InferEndpointType.Descriptor.Order)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    private sealed record Table(OpenIddictServerOptions Options, ConcurrentDictionary<string, EndpointAddress[]> ByBase);

    private Table? _table;

    public ValueTask HandleAsync(ProcessRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context is not { BaseUri: { IsAbsoluteUri: true } baseUri, RequestUri: { IsAbsoluteUri: true } requestUri })
        {
            return default;
        }

        context.EndpointType = Match(AddressesFor(context.Options, baseUri), requestUri);
        if (context.EndpointType is not OpenIddictServerEndpointType.Unknown && context.Logger.IsEnabled(LogLevel.Information))
        {
            // OpenIddict's own message (ID6053) is logged at Information; its categories are kept at Warning here.
            context.Logger.LogInformation("The request was identified as a {EndpointType} request.", context.EndpointType);
        }
        return default;
    }

    /// <summary>The endpoint addresses under <paramref name="baseUri"/>, in the built-in's order.</summary>
    internal EndpointAddress[] AddressesFor(OpenIddictServerOptions options, Uri baseUri)
    {
        var table = Volatile.Read(ref _table);
        if (table is null || !ReferenceEquals(table.Options, options))
        {
            table = new Table(options, new ConcurrentDictionary<string, EndpointAddress[]>(StringComparer.Ordinal));
            Volatile.Write(ref _table, table);
        }
        var key = baseUri.OriginalString;
        if (table.ByBase.TryGetValue(key, out var addresses))
        {
            return addresses;
        }
        addresses = EndpointAddress.Resolve(options, baseUri);
        if (table.ByBase.Count < MaxBases)
        {
            table.ByBase.TryAdd(key, addresses);
        }
        return addresses;
    }

    internal static OpenIddictServerEndpointType Match(EndpointAddress[] addresses, Uri requestUri)
    {
        var scheme = requestUri.Scheme;
        var host = requestUri.Host;
        var port = requestUri.Port;
        var path = requestUri.AbsolutePath;
        foreach (var address in addresses)
        {
            if (address.Matches(scheme, host, port, path))
            {
                return address.Type;
            }
        }
        return OpenIddictServerEndpointType.Unknown;
    }
}

/// <summary>One configured endpoint URI, made absolute against a base address, reduced to what a request is compared on.</summary>
internal sealed record EndpointAddress(OpenIddictServerEndpointType Type, string Scheme, string Host, int Port, string Path)
{
    /// <summary>OpenIddict 7.8's InferEndpointType order: the first endpoint type whose list matches wins.</summary>
    private static IEnumerable<(OpenIddictServerEndpointType, IReadOnlyList<Uri>)> InOrder(OpenIddictServerOptions options) =>
    [
        (OpenIddictServerEndpointType.Authorization, options.AuthorizationEndpointUris),
        (OpenIddictServerEndpointType.Configuration, options.ConfigurationEndpointUris),
        (OpenIddictServerEndpointType.DeviceAuthorization, options.DeviceAuthorizationEndpointUris),
        (OpenIddictServerEndpointType.EndSession, options.EndSessionEndpointUris),
        (OpenIddictServerEndpointType.EndUserVerification, options.EndUserVerificationEndpointUris),
        (OpenIddictServerEndpointType.Introspection, options.IntrospectionEndpointUris),
        (OpenIddictServerEndpointType.JsonWebKeySet, options.JsonWebKeySetEndpointUris),
        (OpenIddictServerEndpointType.PushedAuthorization, options.PushedAuthorizationEndpointUris),
        (OpenIddictServerEndpointType.Revocation, options.RevocationEndpointUris),
        (OpenIddictServerEndpointType.Token, options.TokenEndpointUris),
        (OpenIddictServerEndpointType.UserInfo, options.UserInfoEndpointUris),
    ];

    public static EndpointAddress[] Resolve(OpenIddictServerOptions options, Uri baseUri)
    {
        var addresses = new List<EndpointAddress>();
        var directory = AsDirectory(baseUri);
        foreach (var (type, candidates) in InOrder(options))
        {
            foreach (var candidate in candidates)
            {
                if (candidate.IsAbsoluteUri)
                {
                    addresses.Add(From(type, candidate));
                    continue;
                }
                // As OpenIddict resolves a relative endpoint: against the base taken as a directory, and only if the
                // result is no implicit file URI and still lies under the base (a "../" cannot leave the path base).
                var absolute = new Uri(directory, candidate);
                if (!IsImplicitFileUri(absolute) && directory.IsBaseOf(absolute))
                {
                    addresses.Add(From(type, absolute));
                }
            }
        }
        return [.. addresses];
    }

    /// <summary>OpenIddict's comparison: scheme, host and port, then the path without case and up to one trailing slash.</summary>
    public bool Matches(string scheme, string host, int port, string path) =>
        Port == port &&
        string.Equals(Scheme, scheme, StringComparison.OrdinalIgnoreCase) &&
        string.Equals(Host, host, StringComparison.OrdinalIgnoreCase) &&
        (string.Equals(Path, path, StringComparison.OrdinalIgnoreCase) ||
         (Path.Length == path.Length + 1 && Path[^1] == '/' && Path.StartsWith(path, StringComparison.OrdinalIgnoreCase)) ||
         (path.Length == Path.Length + 1 && path[^1] == '/' && path.StartsWith(Path, StringComparison.OrdinalIgnoreCase)));

    private static EndpointAddress From(OpenIddictServerEndpointType type, Uri uri) => new(type, uri.Scheme, uri.Host, uri.Port, uri.AbsolutePath);

    private static Uri AsDirectory(Uri baseUri) => baseUri.AbsolutePath switch
    {
        { Length: > 0 } path when path[^1] == '/' => baseUri,
        { Length: > 0 } path => new UriBuilder(baseUri) { Path = path + "/" }.Uri,
        _ => new UriBuilder(baseUri) { Path = "/" }.Uri,
    };

    private static bool IsImplicitFileUri(Uri uri) =>
        uri.IsAbsoluteUri && uri.IsFile && !uri.OriginalString.StartsWith(uri.Scheme, StringComparison.OrdinalIgnoreCase);
}
