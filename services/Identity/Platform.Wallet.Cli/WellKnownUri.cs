namespace Platform.Wallet.Cli;

/// <summary>
/// Where an identifier's metadata lives (RFC 8414 §3.1, OpenID4VCI §12.2.2, SD-JWT VC): the well-known path inserted
/// between the host and the identifier's path, a terminating <c>/</c> of that path removed first.
/// <c>https://id.example/</c> + <c>/.well-known/openid-credential-issuer</c> is
/// <c>https://id.example/.well-known/openid-credential-issuer</c>; <c>https://id.example/tenant</c> gives
/// <c>https://id.example/.well-known/openid-credential-issuer/tenant</c>.
/// </summary>
internal static class WellKnownUri
{
    public static Uri For(string identifier, string wellKnownPath)
    {
        var uri = new Uri(identifier, UriKind.Absolute);
        return new UriBuilder(uri.Scheme, uri.Host, uri.Port, wellKnownPath + uri.AbsolutePath.TrimEnd('/')).Uri;
    }
}
