using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Security.Tests;

/// <summary>One endpoint: its service, method (<c>PAGE</c> for a Razor page) and route as the OpenAPI document writes it.</summary>
public sealed record EndpointKey(string Service, string Method, string Route)
{
    public override string ToString() => $"{Service} {Method} {Route}";
}

/// <summary>
/// Every endpoint the dev host answers, from three sources: each service's OpenAPI document (what it publishes), the
/// identity service's OpenID Connect discovery document (OAuth endpoints the OpenIddict middleware handles), and each
/// application's own routing table (pages, and endpoints left out of the description). Nothing can hide from all three.
/// </summary>
public static partial class EndpointInventory
{
    public static readonly string[] Services = ["identity", "consent", "record-vault", "ledger"];

    public static async Task<IReadOnlySet<EndpointKey>> ListAsync(SecurityPlatform platform)
    {
        var found = new HashSet<EndpointKey>();
        using var http = new HttpClient();
        foreach (var service in Services)
        {
            var document = await http.GetFromJsonAsync<JsonElement>(new Uri(platform.Address(service), "/openapi/v1.json"));
            foreach (var path in document.GetProperty("paths").EnumerateObject())
            {
                foreach (var operation in path.Value.EnumerateObject())
                {
                    found.Add(new EndpointKey(service, operation.Name.ToUpperInvariant(), path.Name));
                }
            }
            foreach (var endpoint in platform.Host.ServicesOf(service).GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
            {
                var route = Normalize(endpoint.RoutePattern.RawText ?? "");
                if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is not null)
                {
                    found.Add(new EndpointKey(service, "PAGE", route));
                    continue;
                }
                var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"];
                foreach (var method in methods)
                {
                    found.Add(new EndpointKey(service, method, route));
                }
            }
        }
        var discovery = await http.GetFromJsonAsync<JsonElement>(new Uri(platform.Address("identity"), "/.well-known/openid-configuration"));
        foreach (var property in discovery.EnumerateObject().Where(p => p.Name.EndsWith("_endpoint", StringComparison.Ordinal)))
        {
            var path = new Uri(property.Value.GetString()!).AbsolutePath;
            // The protocol endpoints take POST; authorize, userinfo and end-session take GET as well (already routed).
            found.Add(new EndpointKey("identity", "POST", path));
        }
        found.Add(new EndpointKey("identity", "GET", "/.well-known/openid-configuration"));
        found.Add(new EndpointKey("identity", "GET", new Uri(discovery.GetProperty("jwks_uri").GetString()!).AbsolutePath));
        return found;
    }

    /// <summary><c>kyc/cases/{id:guid}</c> → <c>/kyc/cases/{id}</c>: constraints and a trailing slash dropped, a leading slash, as OpenAPI writes it.</summary>
    public static string Normalize(string pattern)
    {
        var route = Constraint().Replace(pattern, "{$1}").TrimEnd('/');
        return route.StartsWith('/') ? route : "/" + route;
    }

    [GeneratedRegex(@"\{\*{0,2}([A-Za-z0-9_]+)[^}]*\}")]
    private static partial Regex Constraint();
}
