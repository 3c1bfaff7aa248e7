namespace Platform.WebUi;

/// <summary>One link of a service's navigation in the shared header.</summary>
/// <param name="Words">What the link says, looked up when a page is drawn (from the service's resource file, in the request's language).</param>
/// <param name="Href">Where it goes, on the service's own origin; it is marked current on this path and below it.</param>
/// <param name="SignedInOnly">Shown only to a signed-in person (a link to their account, their application).</param>
public sealed record NavigationLink(Func<string> Words, string Href, bool SignedInOnly = false)
{
    /// <summary>A link whose words are the same in every language.</summary>
    public NavigationLink(string Text, string Href, bool SignedInOnly = false)
        : this(() => Text, Href, SignedInOnly)
    {
    }

    /// <summary>What the link says to this request (the navigation is built once, at start-up; its words are not).</summary>
    public string Text => Words();
}

/// <summary>
/// What a service puts in the shared layout's header (<c>_PlatformLayout</c>): where its home is and its navigation
/// links. Registered by <see cref="WebUiSetup.AddWebUi"/>; each service passes its own.
/// </summary>
public sealed class ServiceNavigation(string homeHref, IReadOnlyList<NavigationLink> links)
{
    public string HomeHref { get; } = homeHref;

    public IReadOnlyList<NavigationLink> Links { get; } = links;

    public IEnumerable<NavigationLink> VisibleTo(bool signedIn) => Links.Where(link => signedIn || !link.SignedInOnly);

    /// <summary>The link is the page's section: the path is its href or below it (<c>/kyc/status</c> under <c>/kyc</c>).</summary>
    public static bool IsCurrent(NavigationLink link, string? requestPath)
    {
        ArgumentNullException.ThrowIfNull(link);
        if (string.IsNullOrEmpty(requestPath))
        {
            return false;
        }
        var href = link.Href.TrimEnd('/');
        return requestPath.Equals(href, StringComparison.OrdinalIgnoreCase)
            || requestPath.StartsWith(href + "/", StringComparison.OrdinalIgnoreCase);
    }
}
