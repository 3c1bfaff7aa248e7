using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.ServiceDefaults;

namespace Platform.WebUi;

/// <summary>
/// Serves the design system's files, embedded in this assembly, from each service's own origin: the pages' CSP
/// (<see cref="SecurityHeaders.PagePolicy"/>) loads styles, scripts and images from <c>'self'</c> only. Two routes:
/// <see cref="NhsukPath"/> for the vendored NHS.UK frontend (Assets/nhsuk, see README.md) and <see cref="PlatformPath"/>
/// for the platform's own additions (Assets/web-ui). Routed endpoints rather than static-file middleware, so that the
/// security tests' endpoint inventory sees them.
/// </summary>
public static class WebUiAssets
{
    /// <summary>The vendored release of npm <c>nhsuk-frontend</c>; vendor-nhsuk-frontend.sh sets it.</summary>
    public const string NhsukFrontendVersion = "10.6.1";

    public const string NhsukPath = "/assets/nhsuk";
    public const string PlatformPath = "/assets/web-ui";

    // The version in the query makes browsers fetch the files again after an upgrade, despite their cache.
    public const string Stylesheet = NhsukPath + "/nhsuk-frontend.min.css?v=" + NhsukFrontendVersion;
    public const string PlatformStylesheet = PlatformPath + "/platform.css?v=" + NhsukFrontendVersion;
    public const string JsEnabledScript = PlatformPath + "/js-enabled.js?v=" + NhsukFrontendVersion;
    public const string InitModule = PlatformPath + "/init.mjs?v=" + NhsukFrontendVersion;

    private static readonly Lazy<FrozenDictionary<string, Asset>> Files = new(Load);

    /// <summary>The embedded files by path under <c>/assets/</c> (<c>nhsuk/nhsuk-frontend.min.css</c>, ...).</summary>
    public static IReadOnlyCollection<string> Paths => Files.Value.Keys;

    public static IEndpointRouteBuilder MapWebUiAssets(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        Map(app, NhsukPath);
        Map(app, PlatformPath);
        return app;
    }

    private static void Map(IEndpointRouteBuilder app, string prefix)
    {
        var folder = prefix["/assets/".Length..];
        app.MapGet(prefix + "/{**file}", (string file, HttpContext http) =>
            {
                if (!Files.Value.TryGetValue(folder + "/" + file, out var asset))
                {
                    throw ProblemException.NotFound("There is no such file of the design system.");
                }
                http.Response.Headers.CacheControl = "public, max-age=3600";
                return Results.Bytes(asset.Content, asset.ContentType);
            })
            .AllowAnonymous()
            .ExcludeFromDescription();
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(WebUiAssets).Assembly;
        var files = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("assets/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name["assets/".Length..]] = new Asset(copy.ToArray(), ContentTypeOf(name));
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".css" => "text/css; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => throw new InvalidOperationException($"No content type for the embedded asset '{name}'."),
    };

    private sealed record Asset(byte[] Content, string ContentType);
}
