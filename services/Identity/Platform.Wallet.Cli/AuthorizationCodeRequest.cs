using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Platform.Wallet.Cli;

/// <summary>
/// One OpenID4VCI authorization request (§5.1) of the wallet as a native public client: PKCE S256 (RFC 7636), a fresh
/// <c>state</c>, <c>authorization_details</c> of type <c>openid_credential</c> (RFC 9396) naming the credential, and
/// the offer's <c>issuer_state</c> when it has one. <see cref="ReadResponse"/> checks what comes back to the redirect
/// URI before anything is redeemed: the same <c>state</c> (CSRF), the authorization server's own <c>iss</c>
/// (RFC 9207, mix-up), then an error or the code. The verifier and state live only in this process.
/// </summary>
internal sealed class AuthorizationCodeRequest
{
    private readonly AuthorizationServer _server;

    public AuthorizationCodeRequest(AuthorizationServer server, string clientId, Uri redirectUri, string configurationId, string? issuerState)
    {
        _server = server;
        ClientId = clientId;
        RedirectUri = redirectUri;
        State = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        CodeVerifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var endpoint = server.AuthorizationEndpoint
            ?? throw CliException.Failure($"the authorization server {server.Issuer} has no authorization_endpoint: use an offer with a pre-authorized code.");
        var details = new JsonArray(new JsonObject { ["type"] = "openid_credential", ["credential_configuration_id"] = configurationId });
        var query = new List<(string, string)>
        {
            ("response_type", "code"),
            ("client_id", clientId),
            ("redirect_uri", redirectUri.AbsoluteUri),
            ("state", State),
            ("code_challenge", Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(CodeVerifier)))),
            ("code_challenge_method", "S256"),
            ("authorization_details", details.ToJsonString()),
        };
        if (issuerState is not null)
        {
            query.Add(("issuer_state", issuerState));
        }
        var separator = string.IsNullOrEmpty(endpoint.Query) ? "?" : "&";
        Url = new Uri(endpoint.AbsoluteUri + separator + string.Join("&", query.Select(p => Uri.EscapeDataString(p.Item1) + "=" + Uri.EscapeDataString(p.Item2))));
    }

    public string ClientId { get; }

    public Uri RedirectUri { get; }

    /// <summary>The address the person opens in a browser.</summary>
    public Uri Url { get; }

    public string State { get; }

    public string CodeVerifier { get; }

    /// <summary>The authorization code from the redirect the browser was sent to (RFC 6749 §4.1.2).</summary>
    /// <exception cref="CliException">Not our redirect, state or iss wrong, the person declined, or no code.</exception>
    public string ReadResponse(Uri redirect)
    {
        if (!string.Equals(redirect.GetLeftPart(UriPartial.Path), RedirectUri.GetLeftPart(UriPartial.Path), StringComparison.Ordinal))
        {
            throw CliException.Failure($"that is not the address this request redirects to ({RedirectUri.GetLeftPart(UriPartial.Path)}).");
        }
        var parameters = System.Web.HttpUtility.ParseQueryString(redirect.Query);
        string? Single(string name) => parameters.GetValues(name) switch
        {
            null => null,
            [var one] => one,
            _ => throw CliException.Failure($"the authorization response repeats '{name}'; nothing was redeemed."),
        };
        if (Single("state") != State)
        {
            throw CliException.Failure("the authorization response's state does not match this request (a forged or stale redirect?); nothing was redeemed.");
        }
        // RFC 9207 §2.4: a present iss must be the server's; a server that announces the parameter must send it.
        var iss = Single("iss");
        if (iss is null ? _server.IssParameterSupported : iss != _server.Issuer)
        {
            throw CliException.Failure(iss is null
                ? $"the authorization response has no iss although {_server.Issuer} always sends one (RFC 9207); nothing was redeemed."
                : $"the authorization response comes from another issuer (iss '{Clip(iss)}', expected '{_server.Issuer}': RFC 9207 mix-up); nothing was redeemed.");
        }
        if (Single("error") is { } error)
        {
            var description = Single("error_description") is { } d ? ": " + Clip(d) : "";
            throw CliException.Failure(error == "access_denied"
                ? $"the authorization was declined at the issuer (access_denied{description}); no credential was requested."
                : $"the issuer refused the authorization ({Clip(error)}{description}).");
        }
        return Single("code") is { Length: > 0 } code ? code : throw CliException.Failure("the authorization response carries no code.");
    }

    /// <summary>Text from the redirect is the sender's: one line, bounded.</summary>
    private static string Clip(string text)
    {
        text = text.ReplaceLineEndings(" ");
        return text.Length <= 200 ? text : text[..200] + "…";
    }

    public override string ToString() => $"AuthorizationCodeRequest {{ ClientId = {ClientId}, RedirectUri = {RedirectUri} (state and verifier redacted) }}";
}
