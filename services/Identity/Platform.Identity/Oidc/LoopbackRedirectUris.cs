namespace Platform.Identity.Oidc;

/// <summary>
/// RFC 8252 §7.3 (OAuth 2.0 for Native Apps, loopback interface redirection): a native app listens on whatever port
/// the system gives it, so the authorization server "MUST allow any port to be specified at the time of the request
/// for loopback IP redirect URIs". A requested redirect URI matches a registered one when both are <c>http</c> on the
/// same loopback IP literal (<c>127.0.0.1</c> or <c>[::1]</c>, not <c>localhost</c>: §8.3) and agree on everything but
/// the port. Only for clients registered as native (<see cref="ClientApplicationTypes.Native"/>); every other
/// comparison stays exact.
/// </summary>
public static class LoopbackRedirectUris
{
    public static bool MatchesAnyPort(string requested, string registered)
    {
        if (!Uri.TryCreate(requested, UriKind.Absolute, out var asked) || !Uri.TryCreate(registered, UriKind.Absolute, out var known))
        {
            return false;
        }
        return IsLoopbackIpLiteral(asked) && IsLoopbackIpLiteral(known)
            && string.Equals(asked.Host, known.Host, StringComparison.Ordinal)
            && string.IsNullOrEmpty(asked.UserInfo) && string.IsNullOrEmpty(asked.Fragment)
            // Compared as written (not Uri's normalised form), so "/callback/../x" or "%2e" tricks do not match "/x".
            && string.Equals(PathAndQuery(requested), PathAndQuery(registered), StringComparison.Ordinal);
    }

    private static bool IsLoopbackIpLiteral(Uri uri) =>
        uri.Scheme == Uri.UriSchemeHttp && uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6
        && (uri.Host == "127.0.0.1" || uri.Host == "[::1]");

    /// <summary>What follows the authority in the original text: <c>http://127.0.0.1:51234/callback?x</c> gives <c>/callback?x</c>.</summary>
    private static string PathAndQuery(string uri)
    {
        var afterScheme = uri.IndexOf("://", StringComparison.Ordinal) + 3;
        var slash = uri.IndexOfAny(['/', '?'], afterScheme);
        var rest = slash < 0 ? "" : uri[slash..];
        return rest.Length == 0 || rest[0] == '?' ? "/" + rest : rest;
    }
}
