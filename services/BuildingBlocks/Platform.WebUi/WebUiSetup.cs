using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.WebUi;

/// <summary>Adds the design system to a service's Razor pages: the shared layout and partials, and the header's navigation.</summary>
public static class WebUiSetup
{
    /// <summary>
    /// The layout and tag helpers are compiled into this assembly, which is neither the entry assembly nor the
    /// service's (the dev host and the tests compose several services in one process), so it is added as an
    /// application part explicitly, once.
    /// </summary>
    public static IMvcBuilder AddWebUi(this IMvcBuilder mvc, ServiceNavigation navigation)
    {
        ArgumentNullException.ThrowIfNull(mvc);
        mvc.Services.AddSingleton(navigation);
        var assembly = typeof(WebUiSetup).Assembly;
        return mvc.ConfigureApplicationPartManager(manager =>
        {
            if (manager.ApplicationParts.OfType<AssemblyPart>().Any(part => part.Assembly == assembly))
            {
                return;
            }
            foreach (var part in ApplicationPartFactory.GetApplicationPartFactory(assembly).GetApplicationParts(assembly))
            {
                manager.ApplicationParts.Add(part);
            }
        });
    }
}
