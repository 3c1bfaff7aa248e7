using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Tokens;
using Platform.ServiceDefaults.Dpop;

namespace Platform.ServiceDefaults;

/// <summary>
/// Access-token validation for the platform's resource services (consent, record-vault, ledger): JWTs from the
/// identity service, checked for issuer, audience (this service's name), lifetime and an ES256 signature by a key
/// from the issuer's JWKS, refetched every <c>Authentication:SigningKeys:RefreshEvery</c> (<see cref="IssuerKeyRefresh"/>)
/// and when an unknown key id appears, so a signing key published ahead of its use is known before its first token.
/// Configuration: <c>Authentication:Authority</c> (issuer URL), <c>Authentication:Audience</c> (default: the
/// service name), <c>Authentication:RequireHttpsMetadata</c> (default true; the dev host and tests use loopback http).
/// Tokens the identity service revoked before their expiry are refused too (<see cref="RevokedTokenCheck"/>).
/// </summary>
public static class TokenValidationSetup
{
    public const string Scheme = JwtBearerDefaults.AuthenticationScheme;

    /// <summary>
    /// The identity service's issuer URL (<c>Authentication:Authority</c>), or null when none is set: then the service
    /// validates no access tokens, hears no token revocations and offers no sign-in pages.
    /// </summary>
    public static string? ConfiguredAuthority(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration["Authentication:Authority"] is { } authority && !string.IsNullOrWhiteSpace(authority) ? authority : null;
    }

    public static bool IsConfigured(IConfiguration configuration) => ConfiguredAuthority(configuration) is not null;

    /// <summary>Registers authentication and the platform's policies; adds bearer validation when an authority is configured.</summary>
    public static WebApplicationBuilder AddTokenValidation(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Authentication");
        var authentication = builder.Services.AddAuthentication();
        builder.Services.AddAuthorization(PlatformPolicies.Register);
        builder.Services.Replace(ServiceDescriptor.Transient<IPolicyEvaluator, AuthenticateOncePolicyEvaluator>());
        var authority = ConfiguredAuthority(builder.Configuration);
        if (authority is null)
        {
            return builder;
        }
        builder.AddRevokedTokens();
        builder.AddDpopProofValidation();
        builder.Services.AddOptions<IssuerKeyRefreshOptions>().Bind(section.GetSection("SigningKeys")).ValidateOnStart();
        builder.Services.AddHostedService<IssuerKeyRefresh>();
        var keyRefresh = section.GetSection("SigningKeys").Get<IssuerKeyRefreshOptions>() ?? new IssuerKeyRefreshOptions();
        var audience = section["Audience"] ?? builder.Configuration["Service:Name"]
            ?? throw new InvalidOperationException("Authentication:Audience or Service:Name is required.");
        authentication.AddJwtBearer(Scheme, options =>
        {
            options.Authority = authority;
            options.Audience = audience;
            options.RequireHttpsMetadata = section.GetValue("RequireHttpsMetadata", true);
            options.MapInboundClaims = false;
            options.RefreshOnIssuerKeyNotFound = true;
            // Kept fresh on a schedule (IssuerKeyRefresh); an unknown key id may force a fetch at most this often.
            options.RefreshInterval = keyRefresh.UnknownKeyRefetchInterval;
            options.AutomaticRefreshInterval = TimeSpan.FromMinutes(5);
            // Revoked before their expiry: refused from the moment identity.token-revoked arrives.
            // DPoP-bound tokens (RFC 9449) need a fresh proof by their key; see DpopAccessTokenCheck.
            options.Events = DpopAccessTokenCheck.Around(RevokedTokenCheck.Events());
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidAudience = audience,
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                // Only the algorithm the identity service signs with: no "none", no HMAC key confusion.
                ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
                ValidTypes = ["at+jwt"],
                NameClaimType = "sub",
                RoleClaimType = "role",
                ClockSkew = TimeSpan.FromSeconds(30),
            };
        });
        return builder;
    }

    /// <summary>DPoP proof checking, with the proof ids in Redis when configured (shared by replicas), else in memory.</summary>
    public static void AddDpopProofValidation(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<DpopProofValidator>();
        if (RedisSetup.IsConfigured(builder.Configuration))
        {
            var service = builder.Configuration["Service:Name"] ?? "service";
            builder.Services.TryAddSingleton<IDpopReplayCache>(sp => new RedisDpopReplayCache(
                sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(), service, sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            builder.Services.TryAddSingleton<IDpopReplayCache, InMemoryDpopReplayCache>();
        }
    }

    /// <summary>The deny-list of revoked access tokens: in Redis when configured (shared by replicas), else in memory (a host may register a shared one first).</summary>
    private static void AddRevokedTokens(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        if (RedisSetup.IsConfigured(builder.Configuration))
        {
            builder.Services.TryAddSingleton<IRevokedTokens>(sp => new RedisRevokedTokens(
                sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>(), sp.GetRequiredService<TimeProvider>()));
        }
        else
        {
            builder.Services.TryAddSingleton<IRevokedTokens, InMemoryRevokedTokens>();
        }
    }
}
