namespace Platform.Identity.Oidc;

/// <summary>
/// A client application as registered through configuration (<c>Identity:Clients:{i}:*</c>) or the admin API.
/// </summary>
public sealed class ClientDefinition
{
    public string ClientId { get; set; } = "";

    public string? DisplayName { get; set; }

    /// <summary><c>public</c> (browser or native app, PKCE only) or <c>confidential</c> (secret or private_key_jwt).</summary>
    public string Type { get; set; } = ClientTypes.Confidential;

    /// <summary>Client secret for client_secret_basic / client_secret_post; stored hashed. Never logged.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Public keys (JWKS JSON) for private_key_jwt client authentication.</summary>
    public string? JsonWebKeySet { get; set; }

    /// <summary>
    /// <c>web</c> (default) or <c>native</c> (OpenID Connect Dynamic Client Registration 1.0 <c>application_type</c>): a
    /// native app's <c>http://127.0.0.1/...</c> or <c>http://[::1]/...</c> redirect URI matches at any port (RFC 8252
    /// §7.3, <see cref="LoopbackRedirectUris"/>), for apps that listen on a port the system gives them.
    /// </summary>
    public string ApplicationType { get; set; } = ClientApplicationTypes.Web;

    /// <summary><c>implicit</c> for first-party apps; <c>explicit</c> shows the consent screen (third-party apps).</summary>
    public string ConsentType { get; set; } = ClientConsentTypes.Explicit;

    public List<string> GrantTypes { get; set; } = [];

    public List<string> Scopes { get; set; } = [];

    public List<string> RedirectUris { get; set; } = [];

    public List<string> PostLogoutRedirectUris { get; set; } = [];

    /// <summary>Authorization requests must be pushed first (PAR, RFC 9126).</summary>
    public bool RequirePushedAuthorization { get; set; }

    /// <summary>
    /// <c>ES256</c> (default when unset) or <c>RS256</c>: how this client's ID tokens are signed (OpenID Connect
    /// Dynamic Client Registration 1.0 <c>id_token_signed_response_alg</c>). Access tokens are ES256 whatever it says.
    /// </summary>
    public string? IdTokenSignedResponseAlg { get; set; }

    /// <summary>Token requests must carry a DPoP proof (RFC 9449); the client's access and refresh tokens are then always bound.</summary>
    public bool RequireDpop { get; set; }

    /// <summary>
    /// Where this client receives logout tokens (OpenID Connect Back-Channel Logout 1.0 <c>backchannel_logout_uri</c>):
    /// https, or http on loopback; no fragment.
    /// </summary>
    public string? BackchannelLogoutUri { get; set; }

    /// <summary>The client needs <c>sid</c> in every logout token (<c>backchannel_logout_session_required</c>).</summary>
    public bool BackchannelLogoutSessionRequired { get; set; }
}

public static class ClientTypes
{
    public const string Public = "public";
    public const string Confidential = "confidential";
}

public static class ClientApplicationTypes
{
    public const string Web = "web";
    public const string Native = "native";
}

public static class ClientConsentTypes
{
    public const string Implicit = "implicit";
    public const string Explicit = "explicit";
}
