using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Platform.ServiceDefaults;

/// <summary>
/// Serves a page script, an embedded resource of a service's assembly, under <c>/assets/</c> from the service's own
/// origin: the pages' CSP allows scripts from <c>'self'</c> only (<see cref="SecurityHeaders.PagePolicy"/>), never
/// inline. Scripts only help (a check as one types); every page works without them.
/// </summary>
public static class PageScripts
{
    public static IEndpointRouteBuilder MapPageScript(this IEndpointRouteBuilder app, Assembly assembly, string resourceName, string path)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        using var stream = assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"The script resource '{resourceName}' is not embedded in {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        var script = reader.ReadToEnd();
        app.MapGet(path, (HttpContext http) =>
            {
                http.Response.Headers.CacheControl = "public, max-age=3600";
                return Results.Text(script, "text/javascript; charset=utf-8");
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }
}
