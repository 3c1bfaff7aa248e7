using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using Platform.Hosting;
using Platform.Identity.Data;
using Platform.ServiceDefaults;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Oidc;

/// <summary>
/// The OpenID Connect provider: OpenIddict's server with EF Core stores, the endpoints this platform offers,
/// ES256 signing keys from the key provider (<see cref="SigningKeyRing"/>), and local validation for the
/// identity service's own admin API.
/// </summary>
public static class OidcServerSetup
{
    public const string AuthorizePath = "/connect/authorize";
    public const string PushedAuthorizationPath = "/connect/par";
    public const string TokenPath = "/connect/token";
    public const string UserInfoPath = "/connect/userinfo";
    public const string IntrospectionPath = "/connect/introspect";
    public const string RevocationPath = "/connect/revoke";
    public const string EndSessionPath = "/connect/endsession";
    public const string JwksPath = "/.well-known/jwks";

    public static WebApplicationBuilder AddOidcServer(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Identity");
        builder.Services.AddOptions<OidcOptions>().Bind(section).ValidateOidcOptions().ValidateOnStart();
        builder.Services.AddOptions<SigningKeyOptions>().Bind(section.GetSection("SigningKeys")).ValidateSigningKeyOptions().ValidateOnStart();
        // Also read here: OpenIddict's server options are composed from it before the container exists.
        var oidc = section.Get<OidcOptions>() ?? new OidcOptions();
        builder.RequireKeyProvider("The identity service signs tokens");

        // OpenIddict logs whole requests at Information and Debug, code_verifier and PAR request_uri values included
        // (its redaction covers secrets and tokens only): keep its categories at Warning whatever the default level.
        builder.Logging.AddFilter("OpenIddict", LogLevel.Warning);

        builder.Services.AddOpenIddict()
            .AddCore(options =>
            {
                options.UseEntityFrameworkCore().UseDbContext<IdentityServiceDbContext>();
                // Every revocation goes through the token manager: this one also tells the resource services.
                options.ReplaceTokenManager<OpenIddictEntityFrameworkCoreToken, RevocationAnnouncingTokenManager>();
                // Client secrets as HMAC-SHA256 under a server key: PBKDF2 cost several ms of CPU per token request.
                options.ReplaceApplicationManager<OpenIddictEntityFrameworkCoreApplication, KeyedClientSecretApplicationManager>();
                // A scope set's audiences kept as an answer for the cache lifetime: asked on every token request.
                options.ReplaceScopeManager<OpenIddictEntityFrameworkCoreScope, AudienceCachingScopeManager>();
            })
            .AddServer(options =>
            {
                if (oidc.Issuer is not null)
                {
                    options.SetIssuer(oidc.Issuer);
                }
                options.SetAuthorizationEndpointUris(AuthorizePath[1..])
                    .SetPushedAuthorizationEndpointUris(PushedAuthorizationPath[1..])
                    .SetTokenEndpointUris(TokenPath[1..])
                    .SetUserInfoEndpointUris(UserInfoPath[1..])
                    .SetIntrospectionEndpointUris(IntrospectionPath[1..])
                    .SetRevocationEndpointUris(RevocationPath[1..])
                    .SetEndSessionEndpointUris(EndSessionPath[1..])
                    .SetJsonWebKeySetEndpointUris(JwksPath[1..]);
                options.AllowAuthorizationCodeFlow()
                    .AllowRefreshTokenFlow()
                    .AllowClientCredentialsFlow()
                    .RequireProofKeyForCodeExchange();
                options.RegisterScopes([Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.Roles, Scopes.OfflineAccess, OidcScopes.VerifiedClaims, .. OidcScopes.Api.Keys]);
                options.RegisterClaims([Claims.Subject, Claims.Name, Claims.Email, Claims.EmailVerified, Claims.Role,
                    PlatformClaims.Licence, Claims.AuthenticationContextReference, Claims.AuthenticationMethodReference, PlatformClaims.VerifiedClaims]);
                options.SetAccessTokenLifetime(oidc.AccessTokenLifetime)
                    .SetIdentityTokenLifetime(oidc.IdentityTokenLifetime)
                    .SetAuthorizationCodeLifetime(oidc.AuthorizationCodeLifetime)
                    .SetRefreshTokenLifetime(oidc.RefreshTokenLifetime)
                    .SetRefreshTokenReuseLeeway(oidc.RefreshTokenReuseLeeway);
                // Resource servers (consent, record-vault, ledger) read access tokens as signed JWTs.
                options.DisableAccessTokenEncryption();
                // Codes and refresh tokens are opaque, protected by Data Protection (key ring in Redis when deployed).
                options.UseDataProtection().PreferDefaultAccessTokenFormat();
                // S256 only: the plain method gives no protection against a stolen code.
                options.Configure(o => o.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                // Endpoint paths resolved once per base address instead of a URI built per endpoint per request (issue 18).
                options.RemoveEventHandler(OpenIddictServerHandlers.InferEndpointType.Descriptor)
                    .AddEventHandler(CachedEndpointTypeInference.Descriptor);
                options.AddPkceChallengeRule();
                options.AddSingleValuedParameterRule();
                options.AddIdentityTokenAlgorithmSelection();
                options.AddDiscoveryCompletion();
                Logout.BackchannelLogoutSetup.AddBackchannelLogoutDiscovery(options);
                options.AddDpopTokenBinding();
                options.AddUnstoredServiceTokens(oidc.StoreClientCredentialsAccessTokens);
                // The token and authorization managers not built for sign-ins their handlers ignore (issue 18).
                options.AddStoreHandlerGuards();
                // client_credentials clients authenticated and authorized from shared snapshots; refusals stay OpenIddict's (issue 18).
                options.AddClientSnapshotAuthentication();
                if (oidc.ServiceTokensFromSnapshot && !oidc.StoreClientCredentialsAccessTokens)
                {
                    // The plainest service token request answered from the snapshots before OpenIddict's pipeline (issue 18).
                    options.AddEventHandler(ServiceTokenFromSnapshot.Descriptor);
                }
                var aspNetCore = options.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    // Compact JSON: indentation made every token response larger and slower to write (issue 18).
                    .SuppressJsonResponseIndentation();
                // The token endpoint's answer written through a per-thread buffer, not a new stream per answer (issue 18).
                options.RemoveEventHandler(OpenIddictServerAspNetCoreHandlers.ProcessJsonResponse<OpenIddictServerEvents.ApplyTokenResponseContext>.Descriptor)
                    .AddEventHandler(BufferedTokenResponseWriter.Descriptor);
                if (oidc.AllowHttp)
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(options =>
            {
                options.UseLocalServer();
                options.UseAspNetCore();
                options.AddEventHandler(RefuseDpopBoundTokenAsBearer.Descriptor);
            });

        // First in line: exception handlers are asked in registration order, and the platform's catch-all (added by
        // the service defaults, before this runs) would answer problem+json where OAuth clients expect "error".
        builder.Services.Insert(0, ServiceDescriptor.Singleton<IExceptionHandler, OAuthRequestExceptionHandler>());
        // Clients and scopes shared across requests for a few seconds (OidcOptions.EntityCacheLifetime) instead of
        // OpenIddict's caches, which live for one request.
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(typeof(SharedEntitySnapshots<>));
        builder.Services.AddScoped<IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication>, ShortLivedApplicationCache>();
        builder.Services.AddScoped<IOpenIddictScopeCache<OpenIddictEntityFrameworkCoreScope>, ShortLivedScopeCache>();
        // OpenIddict's dispatcher with its handler lookup indexed by event: the same handlers, found without walking
        // every descriptor and resolving every singleton from DI on each event (issue 18).
        builder.Services.AddSingleton(new ServerHandlerIndex.Registrations(builder.Services));
        builder.Services.AddSingleton<ServerHandlerIndex>();
        builder.Services.Replace(ServiceDescriptor.Scoped<IOpenIddictServerDispatcher, IndexedServerDispatcher>());
        builder.Services.AddSingleton<SigningKeyRing>();
        Logout.BackchannelLogoutSetup.AddBackchannelLogout(builder);
        builder.Services.AddSingleton<ClientSecretKey>();
        builder.Services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, SigningKeyRingServerOptions>();
        builder.Services.AddHostedService<SigningKeyMaintenance>();
        builder.Services.AddScoped<ClientRegistry>();
        builder.Services.AddHostedService<ClientAndScopeSeeder>();
        builder.Services.AddHostedService<TokenPruning>();
        builder.Services.AddSingleton<ClientOrigins>();
        builder.Services.AddSingleton<DpopNonces>();
        builder.AddDpopProofValidation();
        builder.Services.AddTransient<Microsoft.AspNetCore.Hosting.IStartupFilter, OAuthEndpointCorsStartupFilter>();
        return builder;
    }
}

/// <summary>Hands the ring's published keys to OpenIddict each time its options are (re)built.</summary>
internal sealed class SigningKeyRingServerOptions(SigningKeyRing ring) : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions options)
    {
        foreach (var credentials in ring.Published)
        {
            options.SigningCredentials.Add(credentials);
        }
        options.EncryptionCredentials.Add(ring.Encryption);
    }
}
