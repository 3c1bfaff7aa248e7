using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Consent;
using Platform.Consent.Consents;
using Platform.Crypto;
using Platform.Crypto.Jose;
using Platform.Crypto.Software;
using Platform.Identity.Accounts;
using Platform.Identity.Oidc;
using Platform.Identity.Testing;
using Platform.Ledger;
using Platform.Ledger.Node;
using Platform.Messaging.InProcess;
using Platform.RecordVault;
using Platform.RecordVault.Access;
using Platform.Testing;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// The record vault as deployed: PostgreSQL, its keys on a SoftHSM2 token (PKCS#11), consent decisions from the
/// real consent service, tokens from the real identity provider, audit events committed by a one-replica ledger.
/// </summary>
public sealed class VaultPlatform : IAsyncLifetime
{
    private readonly string _consentKeys = Directory.CreateTempSubdirectory("consent-keys-").FullName;

    public PostgresServer Postgres { get; } = new();
    public SoftHsmFixture Hsm { get; } = new();
    public InProcessBroker Broker { get; } = new(new InProcessBrokerOptions { InitialRetryDelay = TimeSpan.FromMilliseconds(100) });
    public IdentityServer Identity { get; private set; } = null!;
    public ServiceUnderTest Ledger { get; private set; } = null!;
    public ServiceUnderTest Consent { get; private set; } = null!;
    public ServiceUnderTest Vault { get; private set; } = null!;
    public string VaultConnectionString { get; private set; } = "";

    /// <summary>The vault's log lines (at its configured levels), for tests that prove free text never reaches them.</summary>
    public CapturedLogs VaultLogs { get; } = new();

    /// <summary>How long a staged identity signing key waits before it signs, in this fixture.</summary>
    public static readonly TimeSpan PublishAhead = TimeSpan.FromSeconds(4);
    private int _consentPort;
    private int _ledgerPort;

    /// <summary>The patient portal's OpenID Connect client secret (the vault's pages, /my).</summary>
    public const string PortalSecret = "record-vault-pages-secret-0123456789abcdef";

    /// <summary>The vault's fixed port: the portal's redirect URI is registered with the identity service before the vault starts.</summary>
    public int VaultPort { get; } = FreePort.Next();

    public async Task InitializeAsync()
    {
        await Postgres.InitializeAsync();
        VaultConnectionString = await Postgres.CreateDatabaseAsync("vault");
        // On the same bus as the others: its revocation events reach consent and the vault (identity.token-revoked).
        // A staged signing key signs after 4 s, and consent and the vault refetch the JWKS every second: the same
        // relation as the defaults (10 min ahead, refetched every 2 min) at a pace a test can watch (SigningKeyRotationTests).
        // The identity service asks the consent service (with its own service token) whom a clinician may pick at a
        // SMART launch: both on ports known before they start. The patient portal's client signs in at the vault.
        _consentPort = FreePort.Next();
        _ledgerPort = FreePort.Next();
        var identityUrl = $"http://127.0.0.1:{FreePort.Next()}";
        var identitySettings = new ClientDefinition
        {
            ClientId = "record-vault-pages",
            Type = ClientTypes.Confidential,
            ClientSecret = PortalSecret,
            ConsentType = ClientConsentTypes.Implicit,
            GrantTypes = ["authorization_code"],
            RedirectUris = [$"http://127.0.0.1:{VaultPort}/signin-oidc"],
            Scopes = ["openid", "roles", "records"],
        }.ToSettings(6); // after the six clients IdentityServer registers (0–5)
        identitySettings["Urls"] = identityUrl;
        identitySettings["Identity:SigningKeys:PublishAhead"] = PublishAhead.ToString();
        identitySettings["Identity:Smart:ConsentUrl"] = $"http://127.0.0.1:{_consentPort}/";
        identitySettings["ServiceClient:Authority"] = identityUrl + "/";
        identitySettings["ServiceClient:ClientId"] = IdentityServer.ServiceClient;
        identitySettings["ServiceClient:ClientSecret"] = IdentityServer.ServiceSecret;
        Identity = await IdentityServer.StartAsync(identitySettings, configure: builder => builder.Services.AddSingleton(Broker));
        Vault = await StartVaultAsync();

        P256Jwk consentKey;
        using (var keys = new SoftwareKeyProvider(new SoftwareKeyProviderOptions { KeyDirectory = _consentKeys }, NullLogger<SoftwareKeyProvider>.Instance))
        {
            consentKey = (await keys.GetSigningKeyAsync(ConsentEventSigner.KeyName, CancellationToken.None)).GetPublicJwk();
        }
        var vaultKey = (await Vault.Services.GetRequiredService<IKeyProvider>().GetSigningKeyAsync(AccessAudit.KeyName, CancellationToken.None)).GetPublicJwk();
        var ledgerSettings = PublisherSettings.For(0, "consent", consentKey);
        foreach (var (key, value) in PublisherSettings.For(1, "record-vault", vaultKey))
        {
            ledgerSettings[key] = value;
        }
        ledgerSettings["Keys:Provider"] = "Software";
        ledgerSettings["Ledger:Replicas:0:Name"] = "ledger-0";
        ledgerSettings["Ledger:Replicas:0:RaftEndPoint"] = $"127.0.0.1:{FreePort.Next()}";
        ledgerSettings["Ledger:BlockInterval"] = "00:00:00.050";
        ledgerSettings["Urls"] = $"http://127.0.0.1:{_ledgerPort}";
        Ledger = await ServiceUnderTest.StartAsync(LedgerService.Build, ledgerSettings, builder => builder.Services.AddSingleton(Broker));

        Consent = await ServiceUnderTest.StartAsync(ConsentService.Build, new Dictionary<string, string?>
        {
            ["Urls"] = $"http://127.0.0.1:{_consentPort}",
            ["Keys:Provider"] = "Software",
            ["Keys:Software:KeyDirectory"] = _consentKeys,
            ["Authentication:Authority"] = Identity.BaseAddress.AbsoluteUri,
            ["Authentication:RequireHttpsMetadata"] = "false",
            ["Authentication:SigningKeys:RefreshEvery"] = "00:00:01",
            ["RateLimiting:per-client:PermitLimit"] = "100000",
        }, builder => builder.Services.AddSingleton(Broker));
    }

    /// <summary>Starts (or restarts) the vault on the same PostgreSQL database and HSM token; <paramref name="overrides"/> replace settings (another consent URL).</summary>
    public Task<ServiceUnderTest> StartVaultAsync(IReadOnlyDictionary<string, string?>? overrides = null) => ServiceUnderTest.StartAsync(RecordVaultService.Build, new Dictionary<string, string?>(VaultSettings())
        .Concat(overrides ?? new Dictionary<string, string?>()).GroupBy(s => s.Key).ToDictionary(g => g.Key, g => g.Last().Value), builder =>
    {
        builder.Services.AddSingleton(Broker);
        builder.Logging.AddProvider(VaultLogs);
    });

    private Dictionary<string, string?> VaultSettings() => new()
    {
        ["Database:Provider"] = "Postgres",
        ["ConnectionStrings:record-vault"] = VaultConnectionString,
        ["Keys:Provider"] = "Pkcs11",
        ["Keys:Pkcs11:LibraryPath"] = Hsm.LibraryPath,
        ["Keys:Pkcs11:TokenLabel"] = Hsm.TokenLabel,
        ["Keys:Pkcs11:UserPin"] = Hsm.UserPin,
        ["Authentication:Authority"] = Identity.BaseAddress.AbsoluteUri,
        ["Authentication:RequireHttpsMetadata"] = "false",
        ["Authentication:SigningKeys:RefreshEvery"] = "00:00:01",
        ["ServiceClient:ClientId"] = IdentityServer.ServiceClient,
        ["ServiceClient:ClientSecret"] = IdentityServer.ServiceSecret,
        ["RecordVault:ConsentUrl"] = $"http://127.0.0.1:{_consentPort}/",
        ["RecordVault:MaxAttachmentBytes"] = "1048576",
        ["RateLimiting:per-client:PermitLimit"] = "100000",
        ["Urls"] = $"http://127.0.0.1:{VaultPort}",
        ["RecordVault:Pages:ClientSecret"] = PortalSecret,
        // The portal checks receipts against the replica keys the ledger publishes.
        ["RecordVault:Pages:LedgerUrl"] = $"http://127.0.0.1:{_ledgerPort}/",
        ["RecordVault:Pages:ConsentPagesUrl"] = $"http://127.0.0.1:{_consentPort}/",
        // Research exports: cohorts of a few test patients, so k = 2 (the default is 5); a short poll.
        ["RecordVault:Research:K"] = "2",
        ["RecordVault:Research:PollInterval"] = "00:00:00.200",
        // Receipt reconciliation looks receipts up at this ledger; tests run its rounds themselves.
        ["Receipts:LedgerUrl"] = $"http://127.0.0.1:{_ledgerPort}/",
        ["Receipts:FirstRoundDelay"] = "01:00:00",
    };

    public async Task RestartVaultAsync(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        await Vault.DisposeAsync();
        Vault = await StartVaultAsync(overrides);
    }

    public async Task DisposeAsync()
    {
        await Vault.DisposeAsync();
        await Consent.DisposeAsync();
        await Ledger.DisposeAsync();
        await Identity.DisposeAsync();
        await Broker.DisposeAsync();
        Hsm.Dispose();
        await Postgres.DisposeAsync();
        try
        {
            Directory.Delete(_consentKeys, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public async Task<(TestAccount Account, string Token)> UserAsync(string role)
    {
        var account = await TestAccounts.CreateAsync(Identity.Service.Services, role, enrolTotp: role != PlatformRoles.Patient);
        return (account, await SignInAsync(account));
    }

    /// <summary>A new sign-in (a session and authorization of its own) and its access token.</summary>
    public async Task<string> SignInAsync(TestAccount account)
    {
        using var session = new FormSession(Identity.BaseAddress);
        return (await new CodeFlow(session).SignInThroughPortalAsync(account, "openid consent.manage records")).GetProperty("access_token").GetString()!;
    }

    public Task<(System.Net.HttpStatusCode Status, JsonElement Body, HttpResponseMessage Raw)> VaultAsync(HttpMethod method, string path, string token, HttpContent? content = null, IDictionary<string, string>? headers = null) =>
        SendAsync(Vault.Client, method, path, token, content, headers);

    /// <summary>A call to the consent service with a JSON body (or none) and its whole answer.</summary>
    public Task<(System.Net.HttpStatusCode Status, JsonElement Body, HttpResponseMessage Raw)> SendConsentAsync(HttpMethod method, string path, string token, object? body) =>
        SendAsync(Consent.Client, method, path, token, body is null ? null : System.Net.Http.Json.JsonContent.Create(body), null);

    public Task<(System.Net.HttpStatusCode Status, JsonElement Body, HttpResponseMessage Raw)> ConsentAsync(HttpMethod method, string path, string token, object body) =>
        SendAsync(Consent.Client, method, path, token, System.Net.Http.Json.JsonContent.Create(body), null);

    private static async Task<(System.Net.HttpStatusCode, JsonElement, HttpResponseMessage)> SendAsync(
        HttpClient client, HttpMethod method, string path, string token, HttpContent? content, IDictionary<string, string>? headers)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        var text = await response.Content.ReadAsStringAsync();
        JsonElement body = default;
        if (text.Length > 0 && (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) ?? false))
        {
            try
            {
                body = JsonDocument.Parse(text).RootElement.Clone();
            }
            catch (JsonException)
            {
            }
        }
        return (response.StatusCode, body, response);
    }
}
