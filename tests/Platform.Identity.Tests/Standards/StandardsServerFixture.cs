using Platform.Identity.Oidc;
using Platform.Identity.Testing;

namespace Platform.Identity.Tests.Standards;

/// <summary>
/// The test identity service with two more clients for the standards tests: a public relying party that asks for
/// RS256 ID tokens, and a browser client on another origin (its redirect URI is the only place its origin is named).
/// </summary>
public sealed class StandardsServerFixture : IAsyncLifetime
{
    public const string Rs256Client = "rs256-only-rp";
    public const string Rs256Redirect = "http://127.0.0.1:6101/signin-oidc";
    public const string SpaClient = "browser-spa";
    public const string SpaOrigin = "https://spa.example";
    public const string SpaRedirect = SpaOrigin + "/callback";
    public const string DpopRequiredClient = "dpop-required-app";
    public const string DpopRequiredRedirect = "https://dpop-app.example/callback";

    public IdentityServer Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Indexes after the shared test clients (IdentityServer registers five, 0-4).
        var settings = new Dictionary<string, string?>();
        foreach (var (key, value) in new ClientDefinition
                 {
                     ClientId = Rs256Client,
                     Type = ClientTypes.Public,
                     ConsentType = ClientConsentTypes.Implicit,
                     GrantTypes = ["authorization_code", "refresh_token"],
                     RedirectUris = [Rs256Redirect],
                     Scopes = ["openid", "profile", "email", "offline_access", "records"],
                     IdTokenSignedResponseAlg = "RS256",
                 }.ToSettings(10))
        {
            settings[key] = value;
        }
        foreach (var (key, value) in new ClientDefinition
                 {
                     ClientId = SpaClient,
                     Type = ClientTypes.Public,
                     ConsentType = ClientConsentTypes.Implicit,
                     GrantTypes = ["authorization_code", "refresh_token"],
                     RedirectUris = [SpaRedirect],
                     Scopes = ["openid", "profile", "offline_access", "records"],
                 }.ToSettings(11))
        {
            settings[key] = value;
        }
        foreach (var (key, value) in new ClientDefinition
                 {
                     ClientId = DpopRequiredClient,
                     Type = ClientTypes.Public,
                     ConsentType = ClientConsentTypes.Implicit,
                     GrantTypes = ["authorization_code", "refresh_token"],
                     RedirectUris = [DpopRequiredRedirect],
                     Scopes = ["openid", "offline_access", "records"],
                     RequireDpop = true,
                 }.ToSettings(12))
        {
            settings[key] = value;
        }
        Server = await IdentityServer.StartAsync(settings);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
