using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;

namespace Platform.RecordVault.Fhir;

/// <summary>
/// SMART App Launch 2.x discovery (<c>[base]/.well-known/smart-configuration</c>): the identity service's OAuth
/// endpoints (from <c>Authentication:Authority</c>) and what it truly supports — authorization code with PKCE S256
/// only, refresh tokens, OpenID Connect sign-in with <c>fhirUser</c>, public and secret-holding clients, v2 scopes for
/// the patient in context and for the user (<see cref="SmartAccess"/>), and the standalone launch with a patient in
/// context (a patient's own, or one a clinician picks). Not offered, so not listed: the EHR launch, encounter context,
/// v1 scopes, granular <c>?param=</c> scopes, asymmetric client authentication (docs/fhir.md).
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
            ScopesSupported: ["openid", "fhirUser", "profile", "offline_access", "launch/patient",
                "patient/*.rs", "patient/*.crus", "user/*.rs", "user/*.crus", "records"],
            CodeChallengeMethodsSupported: ["S256"],
            Capabilities: ["launch-standalone", "context-standalone-patient", "client-public", "client-confidential-symmetric",
                "sso-openid-connect", "permission-offline", "permission-patient", "permission-user", "permission-v2", "authorize-post"]);
    }
}
