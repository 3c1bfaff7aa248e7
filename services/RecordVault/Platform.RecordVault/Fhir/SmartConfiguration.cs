using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;

namespace Platform.RecordVault.Fhir;

/// <summary>
/// SMART App Launch 2.x discovery (<c>[base]/.well-known/smart-configuration</c>): the identity service's OAuth
/// endpoints (from <c>Authentication:Authority</c>) and what it truly supports — authorization code with PKCE S256
/// only, refresh tokens, OpenID Connect sign-in, public and secret-holding clients. The scopes are the platform's
/// (<c>records</c> reaches this API); SMART's <c>patient/*.rs</c> scopes and launch context are not offered yet, so
/// neither they nor the <c>permission-v2</c> and <c>context-*</c> capabilities are listed (docs/fhir.md).
/// </summary>
public sealed record SmartConfiguration(
    [property: JsonPropertyName("issuer")] string? Issuer,
    [property: JsonPropertyName("jwks_uri")] string? JwksUri,
    [property: JsonPropertyName("authorization_endpoint")] string? AuthorizationEndpoint,
    [property: JsonPropertyName("token_endpoint")] string? TokenEndpoint,
    [property: JsonPropertyName("revocation_endpoint")] string? RevocationEndpoint,
    [property: JsonPropertyName("introspection_endpoint")] string? IntrospectionEndpoint,
    [property: JsonPropertyName("grant_types_supported")] IReadOnlyList<string> GrantTypesSupported,
    [property: JsonPropertyName("response_types_supported")] IReadOnlyList<string> ResponseTypesSupported,
    [property: JsonPropertyName("token_endpoint_auth_methods_supported")] IReadOnlyList<string> TokenEndpointAuthMethodsSupported,
    [property: JsonPropertyName("scopes_supported")] IReadOnlyList<string> ScopesSupported,
    [property: JsonPropertyName("code_challenge_methods_supported")] IReadOnlyList<string> CodeChallengeMethodsSupported,
    [property: JsonPropertyName("capabilities")] IReadOnlyList<string> Capabilities)
{
    // The identity service's paths (Platform.Identity OidcServerSetup); this service only points at them.
    public const string AuthorizePath = "connect/authorize";
    public const string TokenPath = "connect/token";
    public const string RevocationPath = "connect/revoke";
    public const string IntrospectionPath = "connect/introspect";
    public const string JwksPath = ".well-known/jwks";

    public static SmartConfiguration For(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var authority = configuration["Authentication:Authority"] is { Length: > 0 } a ? a.TrimEnd('/') + "/" : null;
        string? At(string path) => authority is null ? null : authority + path;
        return new SmartConfiguration(
            Issuer: authority,
            JwksUri: At(JwksPath),
            AuthorizationEndpoint: At(AuthorizePath),
            TokenEndpoint: At(TokenPath),
            RevocationEndpoint: At(RevocationPath),
            IntrospectionEndpoint: At(IntrospectionPath),
            GrantTypesSupported: ["authorization_code", "refresh_token"],
            ResponseTypesSupported: ["code"],
            TokenEndpointAuthMethodsSupported: ["client_secret_basic", "client_secret_post"],
            ScopesSupported: ["openid", "profile", "offline_access", "records"],
            CodeChallengeMethodsSupported: ["S256"],
            Capabilities: ["launch-standalone", "client-public", "client-confidential-symmetric", "sso-openid-connect", "permission-offline", "authorize-post"]);
    }
}
