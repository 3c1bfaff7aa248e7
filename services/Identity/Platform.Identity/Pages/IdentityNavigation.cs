using System.Globalization;
using Platform.Identity.Text;
using Platform.WebUi;
using Platform.WebUi.Text;

namespace Platform.Identity.Pages;

/// <summary>The identity service's links in the shared header: a signed-in person's identity check and account.</summary>
public static class IdentityNavigation
{
    // Built once at start-up (the shared layout takes one fixed list), so in the platform's default language rather
    // than whatever the host process's own culture happens to be.
    public static ServiceNavigation Create()
    {
        var language = CultureInfo.GetCultureInfo(PageLocalization.Cultures[0]);
        return new("/account",
        [
            new NavigationLink(IdentityText.Get("NavVerifyIdentity", language), "/kyc", SignedInOnly: true),
            new NavigationLink(IdentityText.Get("NavAccount", language), "/account", SignedInOnly: true),
        ]);
    }
}
