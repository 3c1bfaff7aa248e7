using Platform.WebUi;

namespace Platform.Identity.Pages;

/// <summary>The identity service's links in the shared header: a signed-in person's identity check and account.</summary>
public static class IdentityNavigation
{
    public static ServiceNavigation Create() => new("/account",
    [
        new NavigationLink("Verify your identity", "/kyc", SignedInOnly: true),
        new NavigationLink("Your account", "/account", SignedInOnly: true),
    ]);
}
