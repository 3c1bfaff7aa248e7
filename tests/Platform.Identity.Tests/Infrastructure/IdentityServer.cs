using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using Platform.Identity;
using Platform.Testing;

namespace Platform.Identity.Tests.Infrastructure;

/// <summary>
/// The real identity service on a loopback port with software keys, the demo accounts, and four clients:
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

    private IdentityServer(ServiceUnderTest service, ECDsa jwtClientKey)
    {
        Service = service;
        JwtClientKey = jwtClientKey;
    }

    public ServiceUnderTest Service { get; }

    public Uri BaseAddress => Service.Client.BaseAddress!;

    /// <summary>The private key of <see cref="JwtClient"/> (its public half is registered with the server).</summary>
    public ECDsa JwtClientKey { get; }

    public static async Task<IdentityServer> StartAsync(IDictionary<string, string?>? extraSettings = null)
    {
        var jwtKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(jwtKey.ExportParameters(false))) { KeyId = "jwt-client-1" });
        jwk.Use = "sig";
        jwk.Alg = SecurityAlgorithms.EcdsaSha256;
        var jwks = JsonSerializer.Serialize(new { keys = new[] { new { kty = jwk.Kty, crv = jwk.Crv, x = jwk.X, y = jwk.Y, kid = jwk.Kid, use = jwk.Use, alg = jwk.Alg } } });

        var settings = new Dictionary<string, string?>
        {
            ["Keys:Provider"] = "Software",
            ["Identity:AllowHttp"] = "true",
            ["Identity:Demo:Enabled"] = "true",
            ["Identity:Lockout"] = "00:15:00",
            ["RateLimiting:sensitive:PermitLimit"] = "1000",

            ["Identity:Clients:0:ClientId"] = PortalClient,
            ["Identity:Clients:0:DisplayName"] = "Clinician portal",
            ["Identity:Clients:0:Type"] = "public",
            ["Identity:Clients:0:ConsentType"] = "implicit",
            ["Identity:Clients:0:GrantTypes:0"] = "authorization_code",
            ["Identity:Clients:0:GrantTypes:1"] = "refresh_token",
            ["Identity:Clients:0:RedirectUris:0"] = PortalRedirect,
            ["Identity:Clients:0:PostLogoutRedirectUris:0"] = "http://127.0.0.1:5173/",
            ["Identity:Clients:0:Scopes:0"] = "openid",
            ["Identity:Clients:0:Scopes:1"] = "profile",
            ["Identity:Clients:0:Scopes:2"] = "email",
            ["Identity:Clients:0:Scopes:3"] = "roles",
            ["Identity:Clients:0:Scopes:4"] = "offline_access",
            ["Identity:Clients:0:Scopes:5"] = "records",
            ["Identity:Clients:0:Scopes:6"] = "consent.manage",
            ["Identity:Clients:0:Scopes:7"] = "identity.admin",

            ["Identity:Clients:1:ClientId"] = ServiceClient,
            ["Identity:Clients:1:Type"] = "confidential",
            ["Identity:Clients:1:ClientSecret"] = ServiceSecret,
            ["Identity:Clients:1:GrantTypes:0"] = "client_credentials",
            ["Identity:Clients:1:Scopes:0"] = "consent.decide",
            ["Identity:Clients:1:Scopes:1"] = "ledger.submit",

            ["Identity:Clients:2:ClientId"] = ThirdPartyClient,
            ["Identity:Clients:2:Type"] = "confidential",
            ["Identity:Clients:2:ClientSecret"] = ThirdPartySecret,
            ["Identity:Clients:2:ConsentType"] = "explicit",
            ["Identity:Clients:2:GrantTypes:0"] = "authorization_code",
            ["Identity:Clients:2:RedirectUris:0"] = ThirdPartyRedirect,
            ["Identity:Clients:2:Scopes:0"] = "openid",
            ["Identity:Clients:2:Scopes:1"] = "profile",

            ["Identity:Clients:3:ClientId"] = JwtClient,
            ["Identity:Clients:3:Type"] = "confidential",
            ["Identity:Clients:3:JsonWebKeySet"] = jwks,
            ["Identity:Clients:3:GrantTypes:0"] = "client_credentials",
            ["Identity:Clients:3:Scopes:0"] = "ledger.submit",

            // The record vault as a client of its own: it introspects tokens whose audience it is.
            ["Identity:Clients:4:ClientId"] = "record-vault",
            ["Identity:Clients:4:Type"] = "confidential",
            ["Identity:Clients:4:ClientSecret"] = ResourceServerSecret,
            ["Identity:Clients:4:GrantTypes:0"] = "client_credentials",
            ["Identity:Clients:4:Scopes:0"] = "consent.decide",
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var service = await ServiceUnderTest.StartAsync(IdentityService.Build, settings);
        return new IdentityServer(service, jwtKey);
    }

    public async ValueTask DisposeAsync()
    {
        JwtClientKey.Dispose();
        await Service.DisposeAsync();
    }
}
