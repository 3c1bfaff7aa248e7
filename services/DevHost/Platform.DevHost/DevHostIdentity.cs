using Platform.Identity.Oidc;

namespace Platform.DevHost;

/// <summary>
/// The dev host's sign-in setup: the identity service's issuer, the demo accounts, the documented clients
/// (public <c>clinician-portal</c> with DPoP, <c>platform-cli</c>, the native <c>wallet</c> and <c>smart-demo-app</c>, confidential <c>platform-services</c>), and where the other services find
/// the issuer. The secrets here are public on purpose (README) and exist only in the dev host.
/// </summary>
public static class DevHostIdentity
{
    public const string PortalClientId = "clinician-portal";
    public const string CliClientId = "platform-cli";
    public const string CliRedirectUri = "http://localhost:8400/callback";
    public const string WalletClientId = "wallet";
    public const string ServiceClientId = "platform-services";
    public const string ServiceClientSecret = "dev-only-platform-services-secret-0123456789";
    public const string SmartAppClientId = "smart-demo-app";
    public const string ConsentPagesClientId = "consent-pages";
    public const string ConsentPagesSecret = "dev-only-consent-pages-secret-0123456789";
    public const string VaultPagesClientId = "record-vault-pages";
    public const string VaultPagesSecret = "dev-only-record-vault-pages-secret-0123456789";
    public const string DevFingerprintKey = "ZGV2LW9ubHkta3ljLWZpbmdlcnByaW50LWtleS0wMTIzNDU2Nzg5";

    public static Uri Issuer(DevHostOptions options) => new($"http://localhost:{options.IdentityPort}/");

    public static Dictionary<string, string?> IdentitySettings(DevHostOptions options)
    {
        var settings = Clients(options).ToSettings();
        settings["Identity:AllowHttp"] = "true";
        settings["Identity:Demo:Enabled"] = "true";
        settings["Identity:Messages:Directory"] = Path.Combine(options.DataDirectory, "outbox", "identity");
        // A fixed, public development key for duplicate-document fingerprints (deployments use a Secret).
        settings["Kyc:FingerprintKey"] = DevFingerprintKey;
        // With a fixed port the issuer is the documented URL; with port 0 (tests) it follows the request.
        if (options.IdentityPort != 0)
        {
            settings["Identity:Issuer"] = Issuer(options).AbsoluteUri;
            // SMART launch: fhirUser under the vault's FHIR base, and the patient picker asks consent with the
            // platform's service client, whose tokens it gets from this very issuer.
            settings["Identity:Smart:FhirBaseUrl"] = $"http://localhost:{options.RecordVaultPort}/fhir/r4";
            settings["Identity:Smart:ConsentUrl"] = $"http://localhost:{options.ConsentPort}/";
            settings["ServiceClient:Authority"] = Issuer(options).AbsoluteUri;
            settings["ServiceClient:ClientId"] = ServiceClientId;
            settings["ServiceClient:ClientSecret"] = ServiceClientSecret;
        }
        return settings;
    }

    private static ClientDefinition[] Clients(DevHostOptions options) =>
    [
        new()
        {
            ClientId = PortalClientId,
            DisplayName = "Clinician portal",
            Type = ClientTypes.Public,
            ConsentType = ClientConsentTypes.Implicit,
            GrantTypes = ["authorization_code", "refresh_token"],
            // The documented origin always (the README's curl flow and the tests' code flows use it), and the portal's own when it runs elsewhere.
            RedirectUris = [.. PortalOrigins(options).SelectMany(o => new[] { $"http://localhost:{o}/callback", $"http://127.0.0.1:{o}/callback" })],
            PostLogoutRedirectUris = [.. PortalOrigins(options).SelectMany(o => new[] { $"http://localhost:{o}/signout-callback", $"http://localhost:{o}/" })],
            Scopes = ["openid", "profile", "email", "roles", "offline_access", "records", "consent.manage", "identity.admin", "kyc", "verified_claims"],
            // Its tokens are bound to the portal's DPoP key (RFC 9449): a stolen one is useless without the key.
            RequireDpop = true,
            // Logout at the identity service ends the portal's session too (Back-Channel Logout, docs/identity.md).
            BackchannelLogoutUri = $"http://localhost:{PortalOrigins(options)[^1]}/backchannel-logout",
            BackchannelLogoutSessionRequired = true,
        },
        // The README's curl flow and the walkthrough's scripts (docs/walkthrough/sign-in.sh): public, code + PKCE, bearer
        // tokens, a loopback redirect URI nothing listens on (the scripts read the code from the redirect).
        new()
        {
            ClientId = CliClientId,
            DisplayName = "Command line",
            Type = ClientTypes.Public,
            ConsentType = ClientConsentTypes.Implicit,
            GrantTypes = ["authorization_code", "refresh_token"],
            RedirectUris = [CliRedirectUri, "http://127.0.0.1:8400/callback"],
            Scopes = ["openid", "profile", "email", "roles", "offline_access", "records", "consent.manage", "identity.admin", "kyc", "verified_claims"],
        },
        // The wallet CLI's OpenID4VCI authorization code flow (docs/kyc.md#wallet): a native app (RFC 8252) that takes
        // the code on a loopback listener at whatever port it gets, and asks the person before it receives the credential.
        // Bearer tokens: the credential endpoint takes no DPoP-bound token (docs/identity.md#dpop).
        new()
        {
            ClientId = WalletClientId,
            DisplayName = "Wallet (command line)",
            Type = ClientTypes.Public,
            ApplicationType = ClientApplicationTypes.Native,
            ConsentType = ClientConsentTypes.Explicit,
            GrantTypes = ["authorization_code"],
            RedirectUris = ["http://127.0.0.1/callback", "http://[::1]/callback"],
        },
        new()
        {
            ClientId = ServiceClientId,
            DisplayName = "Platform services",
            Type = ClientTypes.Confidential,
            ClientSecret = ServiceClientSecret,
            GrantTypes = ["client_credentials"],
            Scopes = ["consent.decide", "ledger.submit", "ledger.audit"],
        },
        // A SMART on FHIR app (docs/fhir.md): public, code + PKCE, asks the user, SMART v2 scopes and launch/patient.
        new()
        {
            ClientId = SmartAppClientId,
            DisplayName = "SMART demo app",
            Type = ClientTypes.Public,
            ConsentType = ClientConsentTypes.Explicit,
            GrantTypes = ["authorization_code", "refresh_token"],
            RedirectUris = ["http://localhost:9090/smart/callback", "http://127.0.0.1:9090/smart/callback"],
            Scopes = ["openid", "fhirUser", "offline_access", "launch/patient", "patient/*.cruds", "user/*.cruds"],
        },
        new()
        {
            ClientId = ConsentPagesClientId,
            DisplayName = "Consent pages",
            Type = ClientTypes.Confidential,
            ClientSecret = ConsentPagesSecret,
            ConsentType = ClientConsentTypes.Implicit,
            GrantTypes = ["authorization_code"],
            RedirectUris = [$"http://localhost:{options.ConsentPort}/signin-oidc"],
            Scopes = ["openid", "roles"],
            BackchannelLogoutUri = $"http://localhost:{options.ConsentPort}/backchannel-logout",
            BackchannelLogoutSessionRequired = true,
        },
        // The patient portal (/my on the record vault) signs patients in with the API's own records scope.
        new()
        {
            ClientId = VaultPagesClientId,
            DisplayName = "Patient portal",
            Type = ClientTypes.Confidential,
            ClientSecret = VaultPagesSecret,
            ConsentType = ClientConsentTypes.Implicit,
            GrantTypes = ["authorization_code"],
            RedirectUris = [$"http://localhost:{options.RecordVaultPort}/signin-oidc"],
            Scopes = ["openid", "roles", "records"],
            BackchannelLogoutUri = $"http://localhost:{options.RecordVaultPort}/backchannel-logout",
            BackchannelLogoutSessionRequired = true,
        },
    ];

    /// <summary>The documented portal port, and the running portal's when it differs (the client stays registered without a portal running).</summary>
    private static int[] PortalOrigins(DevHostOptions options) =>
        options.PortalPort is > 0 and not DocumentedPortalPort and var port ? [DocumentedPortalPort, port] : [DocumentedPortalPort];

    public const int DocumentedPortalPort = 5173;

    /// <summary>The clinician portal: where it finds the consent service and the record vault (sign-in as for the resource services).</summary>
    public static Dictionary<string, string?> PortalSettings(DevHostOptions options) => new()
    {
        ["Portal:ClientId"] = PortalClientId,
        ["Portal:ConsentUrl"] = $"http://localhost:{options.ConsentPort}/",
        ["Portal:RecordVaultUrl"] = $"http://localhost:{options.RecordVaultPort}/",
    };

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
            // Consent and the vault ask the ledger for receipts their events have not brought back (docs/messaging.md).
            ["Receipts:LedgerUrl"] = $"http://localhost:{options.LedgerPort}/",
            ["Consent:Pages:ClientSecret"] = ConsentPagesSecret,
            ["RecordVault:ConsentUrl"] = $"http://localhost:{options.ConsentPort}/",
            ["RecordVault:Pages:ClientSecret"] = VaultPagesSecret,
            // Each service has its own port here: the portal's navigation links to the consent pages by their address.
            ["RecordVault:Pages:ConsentPagesUrl"] = $"http://localhost:{options.ConsentPort}/",
        };
}
