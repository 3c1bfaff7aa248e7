using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.WebUi.Text;

/// <summary>
/// Which language a page is written in, the same way on every service that serves pages: the first of the browser's
/// Accept-Language that the platform has words for, else English. A translation adds its <c>&lt;Name&gt;.&lt;culture&gt;.resx</c>
/// files beside the English ones and its culture to <see cref="Cultures"/>.
/// </summary>
public static class PageLocalization
{
    public static readonly string[] Cultures = ["en", "fr"];

    public static IServiceCollection AddPageLocalization(this IServiceCollection services) => services.AddLocalization();

    public static IApplicationBuilder UsePageLocalization(this IApplicationBuilder app)
    {
        CultureInfo[] cultures = [.. Cultures.Select(c => new CultureInfo(c))];
        return app.UseRequestLocalization(new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Cultures[0]),
            // Only the words follow the browser (the UI culture). The formatting culture stays the default's: the
            // services that serve pages also answer APIs, whose numbers and dates must not change with a header.
            SupportedCultures = [cultures[0]],
            SupportedUICultures = cultures,
            // Only the browser's own language list: no cookie or query string that a link could set for someone else.
            RequestCultureProviders = [new AcceptLanguageHeaderRequestCultureProvider()],
        });
    }
}
