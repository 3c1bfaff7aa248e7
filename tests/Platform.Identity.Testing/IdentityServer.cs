using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.IdentityModel.Tokens;
using Platform.Identity;
using Platform.Identity.Oidc;
using Platform.Testing;

namespace Platform.Identity.Testing;

/// <summary>
/// The real identity service on a loopback port with software keys, the demo accounts, and its clients:
/// the public <c>clinician-portal</c>, a confidential service client, a third-party client that needs consent,
/// and a private_key_jwt client whose private key the tests hold.
/// </summary>
public sealed class IdentityServer : IAsyncDisposable
{
    public const string PortalClient = "clinician-portal";
    public const string PortalRedirect = "http://127.0.0.1:5173/callback";
    public const string ServiceClient = "platform-services";
    public const string ServiceSecret = "service-secret-for-tests-0123456789abcdef";
    public const string ThirdPartyClient = "third-party-app";
    public const string ThirdPartySecret = "third-party-secret-0123456789abcdefghij";
    public const string ThirdPartyRedirect = "https://third-party.example/callback";
    public const string JwtClient = "jwt-service";
    public const string ResourceServerSecret = "record-vault-secret-0123456789abcdefghij";
    public const string WalletClient = "wallet";
    public const string SmartClient = "smart-app";
    public const string SmartRedirect = "http://127.0.0.1:9090/smart/callback";

    private IdentityServer(ServiceUnderTest service, ECDsa jwtClientKey)
    {
        Service = service;
        JwtClientKey = jwtClientKey;
    }

    public ServiceUnderTest Service { get; }

    public Uri BaseAddress => Service.Client.BaseAddress!;

    /// <summary>The private key of <see cref="JwtClient"/> (its public half is registered with the server).</summary>
    public ECDsa JwtClientKey { get; }

    public static async Task<IdentityServer> StartAsync(IDictionary<string, string?>? extraSettings = null, Action<WebApplicationBuilder>? configure = null)
    {
        var jwtKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(jwtKey.ExportParameters(false))) { KeyId = "jwt-client-1" });
        jwk.Use = "sig";
        jwk.Alg = SecurityAlgorithms.EcdsaSha256;
        var jwks = JsonSerializer.Serialize(new { keys = new[] { new { kty = jwk.Kty, crv = jwk.Crv, x = jwk.X, y = jwk.Y, kid = jwk.Kid, use = jwk.Use, alg = jwk.Alg } } });

        var settings = new ClientDefinition[]
        {
            new()
            {
                ClientId = PortalClient,
                DisplayName = "Clinician portal",
                Type = ClientTypes.Public,
                ConsentType = ClientConsentTypes.Implicit,
                GrantTypes = ["authorization_code", "refresh_token"],
                RedirectUris = [PortalRedirect],
                PostLogoutRedirectUris = ["http://127.0.0.1:5173/"],
                Scopes = ["openid", "profile", "email", "roles", "offline_access", "records", "research.export", "consent.manage", "identity.admin", "kyc", "verified_claims"],
            },
            new()
            {
                ClientId = ServiceClient,
                Type = ClientTypes.Confidential,
                ClientSecret = ServiceSecret,
                GrantTypes = ["client_credentials"],
                Scopes = ["consent.decide", "ledger.submit"],
            },
            new()
            {
                ClientId = ThirdPartyClient,
                Type = ClientTypes.Confidential,
                ClientSecret = ThirdPartySecret,
                ConsentType = ClientConsentTypes.Explicit,
                GrantTypes = ["authorization_code"],
                RedirectUris = [ThirdPartyRedirect],
                Scopes = ["openid", "profile"],
            },
            new()
            {
                ClientId = JwtClient,
                Type = ClientTypes.Confidential,
                JsonWebKeySet = jwks,
                GrantTypes = ["client_credentials"],
                Scopes = ["ledger.submit"],
            },
            // A SMART on FHIR app: public, code + PKCE, asks the user (explicit consent) for SMART v2 scopes.
            new()
            {
                ClientId = SmartClient,
                DisplayName = "SMART demo app",
                Type = ClientTypes.Public,
                ConsentType = ClientConsentTypes.Explicit,
                GrantTypes = ["authorization_code", "refresh_token"],
                RedirectUris = [SmartRedirect],
                Scopes = ["openid", "fhirUser", "offline_access", "launch/patient", "patient/*.cruds", "user/*.cruds"],
            },
            // The wallet CLI (OpenID4VCI authorization code flow): native, a loopback redirect at any port (RFC 8252 §7.3), asks the person.
            new()
            {
                ClientId = WalletClient,
                DisplayName = "Wallet (command line)",
                Type = ClientTypes.Public,
                ApplicationType = ClientApplicationTypes.Native,
                ConsentType = ClientConsentTypes.Explicit,
                GrantTypes = ["authorization_code"],
                RedirectUris = ["http://127.0.0.1/callback", "http://[::1]/callback"],
            },
            // The record vault as a client of its own: it introspects tokens whose audience it is.
            new()
            {
                ClientId = "record-vault",
                Type = ClientTypes.Confidential,
                ClientSecret = ResourceServerSecret,
                GrantTypes = ["client_credentials"],
                Scopes = ["consent.decide"],
            },
        }.ToSettings();
        settings["Keys:Provider"] = "Software";
        settings["Identity:AllowHttp"] = "true";
        settings["Identity:Demo:Enabled"] = "true";
        settings["Identity:Lockout"] = "00:15:00";
        settings["RateLimiting:sensitive:PermitLimit"] = "1000";
        settings["Kyc:FingerprintKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var service = await ServiceUnderTest.StartAsync(IdentityService.Build, settings, configure);
        return new IdentityServer(service, jwtKey);
    }

    public async ValueTask DisposeAsync()
    {
        JwtClientKey.Dispose();
        await Service.DisposeAsync();
    }
}
