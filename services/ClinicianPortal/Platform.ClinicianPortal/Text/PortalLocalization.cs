using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.ClinicianPortal.Text;

/// <summary>
/// Which language a page is written in: the first of the browser's Accept-Language that the portal has words for,
/// else English. Today that is English only; a translation adds its PortalText.&lt;culture&gt;.resx and its culture here.
/// </summary>
public static class PortalLocalization
{
    public static readonly string[] Cultures = ["en"];

    public static IServiceCollection AddPortalLocalization(this IServiceCollection services) => services.AddLocalization();

    public static IApplicationBuilder UsePortalLocalization(this IApplicationBuilder app) =>
        app.UseRequestLocalization(new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Cultures[0]),
            SupportedCultures = [.. Cultures.Select(c => new System.Globalization.CultureInfo(c))],
            SupportedUICultures = [.. Cultures.Select(c => new System.Globalization.CultureInfo(c))],
            // Only the browser's own language list: no cookie or query string that a link could set for someone else.
            RequestCultureProviders = [new AcceptLanguageHeaderRequestCultureProvider()],
        });
}
