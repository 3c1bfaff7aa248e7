using Platform.Identity.Text;
using Platform.WebUi;

namespace Platform.Identity.Pages;

/// <summary>The identity service's links in the shared header: a signed-in person's identity check and account.</summary>
public static class IdentityNavigation
{
    // Built once at start-up (the shared layout takes one fixed list); each link's words are looked up when a page is
    // drawn, in the page's language (pages set the UI culture from Accept-Language, IdentityPageLocalization).
    public static ServiceNavigation Create() => new("/account",
    [
        new NavigationLink(() => IdentityText.Get("NavVerifyIdentity"), "/kyc", SignedInOnly: true),
        new NavigationLink(() => IdentityText.Get("NavAccount"), "/account", SignedInOnly: true),
    ]);
}
