namespace Platform.DevHost;

/// <summary>
/// The dev host's sign-in setup: the identity service's issuer, the demo accounts, the two documented clients
/// (public <c>clinician-portal</c>, confidential <c>platform-services</c>), and where the other services find
/// the issuer. The secrets here are public on purpose (README) and exist only in the dev host.
/// </summary>
public static class DevHostIdentity
{
    public const string PortalClientId = "clinician-portal";
    public const string ServiceClientId = "platform-services";
    public const string ServiceClientSecret = "dev-only-platform-services-secret-0123456789";
    public const string ConsentPagesClientId = "consent-pages";
    public const string ConsentPagesSecret = "dev-only-consent-pages-secret-0123456789";

    public static Uri Issuer(DevHostOptions options) => new($"http://localhost:{options.IdentityPort}/");

    public static Dictionary<string, string?> IdentitySettings(DevHostOptions options)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Identity:AllowHttp"] = "true",
            ["Identity:Demo:Enabled"] = "true",
            ["Identity:Messages:Directory"] = Path.Combine(options.DataDirectory, "outbox", "identity"),

            ["Identity:Clients:0:ClientId"] = PortalClientId,
            ["Identity:Clients:0:DisplayName"] = "Clinician portal",
            ["Identity:Clients:0:Type"] = "public",
            ["Identity:Clients:0:ConsentType"] = "implicit",
            ["Identity:Clients:0:GrantTypes:0"] = "authorization_code",
            ["Identity:Clients:0:GrantTypes:1"] = "refresh_token",
            ["Identity:Clients:0:RedirectUris:0"] = "http://localhost:5173/callback",
            ["Identity:Clients:0:RedirectUris:1"] = "http://127.0.0.1:5173/callback",
            ["Identity:Clients:0:PostLogoutRedirectUris:0"] = "http://localhost:5173/",
            ["Identity:Clients:0:Scopes:0"] = "openid",
            ["Identity:Clients:0:Scopes:1"] = "profile",
            ["Identity:Clients:0:Scopes:2"] = "email",
            ["Identity:Clients:0:Scopes:3"] = "roles",
            ["Identity:Clients:0:Scopes:4"] = "offline_access",
            ["Identity:Clients:0:Scopes:5"] = "records",
            ["Identity:Clients:0:Scopes:6"] = "consent.manage",
            ["Identity:Clients:0:Scopes:7"] = "identity.admin",

            ["Identity:Clients:1:ClientId"] = ServiceClientId,
            ["Identity:Clients:1:DisplayName"] = "Platform services",
            ["Identity:Clients:1:Type"] = "confidential",
            ["Identity:Clients:1:ClientSecret"] = ServiceClientSecret,
            ["Identity:Clients:1:GrantTypes:0"] = "client_credentials",
            ["Identity:Clients:1:Scopes:0"] = "consent.decide",
            ["Identity:Clients:1:Scopes:1"] = "ledger.submit",

            ["Identity:Clients:2:ClientId"] = ConsentPagesClientId,
            ["Identity:Clients:2:DisplayName"] = "Consent pages",
            ["Identity:Clients:2:Type"] = "confidential",
            ["Identity:Clients:2:ClientSecret"] = ConsentPagesSecret,
            ["Identity:Clients:2:ConsentType"] = "implicit",
            ["Identity:Clients:2:GrantTypes:0"] = "authorization_code",
            ["Identity:Clients:2:RedirectUris:0"] = $"http://localhost:{options.ConsentPort}/signin-oidc",
            ["Identity:Clients:2:Scopes:0"] = "openid",
            ["Identity:Clients:2:Scopes:1"] = "roles",
        };
        // With a fixed port the issuer is the documented URL; with port 0 (tests) it follows the request.
        if (options.IdentityPort != 0)
        {
            settings["Identity:Issuer"] = Issuer(options).AbsoluteUri;
        }
        return settings;
    }

    /// <summary>Token validation and the service client for consent, record-vault and the ledger replicas.</summary>
    public static Dictionary<string, string?> ResourceServiceSettings(DevHostOptions options) => options.IdentityPort == 0
        ? []
        : new Dictionary<string, string?>
        {
            ["Authentication:Authority"] = Issuer(options).AbsoluteUri,
            ["Authentication:RequireHttpsMetadata"] = "false",
            ["ServiceClient:ClientId"] = ServiceClientId,
            ["ServiceClient:ClientSecret"] = ServiceClientSecret,
            ["Consent:LedgerUrl"] = $"http://localhost:{options.LedgerPort}/",
            ["Consent:Pages:ClientSecret"] = ConsentPagesSecret,
        };
}
