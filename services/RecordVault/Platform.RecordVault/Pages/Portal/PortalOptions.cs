namespace Platform.RecordVault.Pages.Portal;

/// <summary><c>RecordVault:Pages:*</c>: the portal's sign-in client and where the browser finds the other services' pages.</summary>
public sealed class PortalOptions
{
    public const string DefaultClientId = "record-vault-pages";

    public string ClientId { get; set; } = DefaultClientId;

    public string? ClientSecret { get; set; }

    /// <summary>
    /// The consent service's address as the patient's browser reaches it (its pages: <c>/my/consents</c>). Unset when
    /// both services sit behind one origin (an ingress), where the relative path is right; in the dev host every
    /// service has its own port, so the dev host sets it.
    /// </summary>
    public Uri? ConsentPagesUrl { get; set; }

    /// <summary>The page of the consent service that lists the patient's consents, as a link for the portal's navigation.</summary>
    public string ConsentsLink => ConsentPagesUrl is { } url ? new Uri(url, "/my/consents").AbsoluteUri : "/my/consents";
}
