using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Platform.ServiceDefaults;

/// <summary>
/// Serves a service's page stylesheet, an embedded resource of its assembly, from its own origin. The pages' CSP
/// (<see cref="SecurityHeaders.PagePolicy"/>) allows styles from <c>'self'</c> only, not inline <c>&lt;style&gt;</c>
/// blocks, so the CSS lives in a file; embedding it keeps it with the pages under the dev host and the tests, where
/// the service's assembly is not the entry assembly and has no web root.
/// </summary>
public static class Stylesheets
{
    public const string Path = "/assets/site.css";

    public static IEndpointRouteBuilder MapStylesheet(this IEndpointRouteBuilder app, Assembly assembly, string resourceName)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"The stylesheet resource '{resourceName}' is not embedded in {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        var css = reader.ReadToEnd();
        app.MapGet(Path, (HttpContext http) =>
            {
                http.Response.Headers.CacheControl = "public, max-age=3600";
                return Results.Text(css, "text/css; charset=utf-8");
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }
}
