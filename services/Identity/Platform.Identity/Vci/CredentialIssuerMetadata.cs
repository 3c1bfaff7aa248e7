using System.Text.Json.Nodes;
using Platform.Identity.Credentials;

namespace Platform.Identity.Vci;

/// <summary>
/// <c>/.well-known/openid-credential-issuer</c> (OpenID4VCI 1.0 §12.2): the one credential this issuer offers, the
/// verified-identity SD-JWT VC (<c>dc+sd-jwt</c>), holder-bound to a <c>jwk</c> proven with an ES256 <c>jwt</c> proof
/// that carries a <c>c_nonce</c>. No <c>authorization_servers</c>: this service is its own authorization server, so
/// the credential issuer identifier is also the OAuth issuer (one string, <see cref="Oidc.IssuerIdentifier"/>).
/// </summary>
public static class CredentialIssuerMetadata
{
    public const string WellKnownPath = "/.well-known/openid-credential-issuer";
    public const string VerifiedIdentityConfigurationId = "verified_identity_sd_jwt";

    /// <summary>The scope an access token needs at the credential endpoint (also usable in an authorization request).</summary>
    public const string Scope = "verified_identity_credential";

    public const string CredentialPath = "/credentials/issue";
    public const string NoncePath = "/credentials/nonce";
    public const string NotificationPath = "/credentials/notification";

    private static readonly (string Claim, string Name)[] ClaimNames =
    [
        ("given_name", "Given name"), ("family_name", "Family name"), ("birthdate", "Date of birth"),
        ("nationality", "Nationality"), ("age_over_18", "18 or older"), ("assurance_level", "Identity assurance level"),
    ];

    public static JsonObject Build(string issuer)
    {
        var claims = new JsonArray();
        foreach (var (claim, name) in ClaimNames)
        {
            claims.Add(new JsonObject
            {
                ["path"] = new JsonArray(claim),
                ["display"] = new JsonArray(new JsonObject { ["name"] = name, ["locale"] = "en" }),
            });
        }
        var origin = issuer.TrimEnd('/');
        return new JsonObject
        {
            ["credential_issuer"] = issuer,
            ["credential_endpoint"] = origin + CredentialPath,
            ["nonce_endpoint"] = origin + NoncePath,
            ["notification_endpoint"] = origin + NotificationPath,
            ["display"] = new JsonArray(new JsonObject { ["name"] = "Platform identity service", ["locale"] = "en" }),
            ["credential_configurations_supported"] = new JsonObject
            {
                [VerifiedIdentityConfigurationId] = new JsonObject
                {
                    ["format"] = SdJwtConstants.SdJwtVcType,
                    ["vct"] = VerifiedIdentityCredential.Vct,
                    ["scope"] = Scope,
                    ["cryptographic_binding_methods_supported"] = new JsonArray("jwk"),
                    ["credential_signing_alg_values_supported"] = new JsonArray(SdJwtConstants.Es256),
                    ["proof_types_supported"] = new JsonObject
                    {
                        ["jwt"] = new JsonObject { ["proof_signing_alg_values_supported"] = new JsonArray(SdJwtConstants.Es256) },
                    },
                    ["credential_metadata"] = new JsonObject
                    {
                        ["display"] = new JsonArray(new JsonObject
                        {
                            ["name"] = "Verified identity",
                            ["locale"] = "en",
                            ["description"] = "Your identity as checked by the platform's KYC process; you choose which parts to show.",
                        }),
                        ["claims"] = claims,
                    },
                },
            },
        };
    }
}
