using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Platform.WebUi.Text;

namespace Platform.Identity.Text;

/// <summary>
/// The shared language selection (<see cref="PageLocalization"/>) for the identity service's pages only. The same
/// service answers OAuth, OpenID Connect, KYC and admin APIs, whose answers are for programs: they keep the invariant
/// formats and English details whatever the caller's Accept-Language, so a request's culture is set only when
/// routing chose a Razor page.
/// </summary>
public static class IdentityPageLocalization
{
    public static WebApplication UseIdentityPageLocalization(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWhen(IsPage, page => page.UsePageLocalization());
        return app;
    }

    private static bool IsPage(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<PageActionDescriptor>() is not null;
}
