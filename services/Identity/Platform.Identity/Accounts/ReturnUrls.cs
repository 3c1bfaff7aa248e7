namespace Platform.Identity.Accounts;

/// <summary>
/// Where the sign-in pages may send a browser back to. Only local paths: an absolute URL would make the login page
/// an open redirector. The rule is <c>Url.IsLocalUrl</c>'s (one leading slash, not <c>//</c> or <c>/\</c>, no control
/// characters) narrowed to printable ASCII, because the value becomes a Location header: a tab passed the old check
/// and made <c>LocalRedirect</c> throw, and U+3000 made the header writer throw (both a 500). A genuine return URL
/// is percent-encoded, so this refuses nothing a browser or OpenIddict sends back.
/// </summary>
public static class ReturnUrls
{
    public const string Fallback = "/account";

    public static string SafeLocal(string? returnUrl) => IsSafeLocalPath(returnUrl) ? returnUrl! : Fallback;

    private static bool IsSafeLocalPath(string? url) =>
        !string.IsNullOrEmpty(url)
        && url[0] == '/'
        && (url.Length == 1 || url[1] is not ('/' or '\\'))
        && url.All(c => c is > ' ' and < '\u007f');
}
