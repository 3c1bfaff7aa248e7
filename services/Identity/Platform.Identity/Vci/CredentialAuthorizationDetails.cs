using System.Collections.Immutable;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Platform.Identity.Vci;

/// <summary>
/// The OpenID4VCI authorization code flow (§5.1.1) with Rich Authorization Requests (RFC 9396): a wallet asks for the
/// credential with <c>authorization_details=[{"type":"openid_credential","credential_configuration_id":...}]</c>; an
/// unknown type or configuration is refused with <c>invalid_authorization_details</c> (redirected to the client, RFC
/// 9396 §5) by the authorization endpoint before the user is asked to sign in.
/// The grant gets one fresh <c>credential_identifier</c> per requested configuration; the token response repeats the
/// details with their <c>credential_identifiers</c> (§6.2), the access token carries the identifiers (and the
/// credential scope), and the credential endpoint then takes <c>credential_identifier</c> instead of
/// <c>credential_configuration_id</c> (§8.2).
/// </summary>
public static class CredentialAuthorizationDetails
{
    public const string Parameter = "authorization_details";
    public const string IssuerStateParameter = "issuer_state";
    public const string Type = "openid_credential";
    public const string InvalidAuthorizationDetails = "invalid_authorization_details";

    /// <summary>The granted details with their identifiers (JSON), kept in the code and refresh token only.</summary>
    public const string DetailsClaim = "platform_authorization_details";

    /// <summary>Each credential identifier the access token may be used for.</summary>
    public const string IdentifierClaim = "credential_identifier";

    private const int MaxDetails = 4;

    /// <summary>The requested configuration ids, or why the parameter is refused.</summary>
    public static (IReadOnlyList<string> ConfigurationIds, string? Error) Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return ([], null);
        }
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return ([], "authorization_details must be a JSON array.");
        }
        if (node is not JsonArray details || details.Count is 0 or > MaxDetails)
        {
            return ([], $"authorization_details must be a JSON array of 1 to {MaxDetails} objects.");
        }
        var ids = new List<string>();
        foreach (var detail in details)
        {
            if (detail is not JsonObject entry || Text(entry["type"]) != Type)
            {
                return ([], "Every authorization_details entry must have type openid_credential.");
            }
            if (Text(entry["credential_configuration_id"]) is not { } id)
            {
                return ([], "credential_configuration_id is required in an openid_credential entry.");
            }
            if (id != CredentialIssuerMetadata.VerifiedIdentityConfigurationId)
            {
                return ([], "Unknown credential_configuration_id.");
            }
            if (!ids.Contains(id, StringComparer.Ordinal))
            {
                ids.Add(id);
            }
        }
        return (ids, null);
    }

    /// <summary>The token response's <c>authorization_details</c>, and discovery's <c>authorization_details_types_supported</c>.</summary>
    public static OpenIddictServerBuilder AddCredentialAuthorizationDetails(this OpenIddictServerBuilder options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // RFC 9396 §6: the token response says what was granted, with the identifiers to ask for.
        // Read from the principal the token endpoint signs in, written when the response goes out.
        options.AddEventHandler<OpenIddictServerEvents.ProcessSignInContext>(handler => handler
            .UseInlineHandler(context =>
            {
                if (context.EndpointType == OpenIddictServerEndpointType.Token && context.Principal?.GetClaim(DetailsClaim) is { } granted)
                {
                    context.Transaction.Properties[DetailsClaim] = granted;
                }
                return default;
            })
            .SetOrder(OpenIddictServerHandlers.GenerateAccessToken.Descriptor.Order - 1)
            .SetType(OpenIddictServerHandlerType.Custom));
        options.AddEventHandler<OpenIddictServerEvents.ApplyTokenResponseContext>(handler => handler
            .UseInlineHandler(context =>
            {
                if (context.Response.AccessToken is not null && context.Transaction.Properties.TryGetValue(DetailsClaim, out var granted) && granted is string json)
                {
                    context.Response[Parameter] = JsonSerializer.Deserialize<JsonElement>(json);
                }
                return default;
            })
            .SetOrder(0)
            .SetType(OpenIddictServerHandlerType.Custom));
        // OpenID4VCI §12.2.4 / RFC 9396 §10: the authorization server names the detail types it understands.
        options.AddEventHandler<OpenIddictServerEvents.HandleConfigurationRequestContext>(handler => handler
            .UseInlineHandler(context =>
            {
                context.Metadata["authorization_details_types_supported"] = new OpenIddictParameter(ImmutableArray.Create<string?>(Type));
                return default;
            })
            .SetOrder(int.MaxValue - 50_000)
            .SetType(OpenIddictServerHandlerType.Custom));
        return options;
    }

    /// <summary>
    /// At the authorization endpoint, for a request with valid details: one fresh identifier per configuration, the
    /// credential scope and this service as audience.
    /// </summary>
    public static void Grant(OpenIddictRequest request, ClaimsIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(identity);
        var (ids, error) = Parse((string?)request[Parameter]);
        if (error is not null || ids.Count == 0)
        {
            return;
        }
        var details = new JsonArray();
        var identifiers = new List<string>();
        foreach (var id in ids)
        {
            var identifier = id + "." + Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant();
            identifiers.Add(identifier);
            details.Add(new JsonObject
            {
                ["type"] = Type,
                ["credential_configuration_id"] = id,
                ["credential_identifiers"] = new JsonArray(identifier),
            });
        }
        identity.SetClaim(DetailsClaim, details.ToJsonString());
        identity.SetClaims(IdentifierClaim, [.. identifiers]);
        identity.SetScopes(identity.GetScopes().Add(CredentialIssuerMetadata.Scope));
        identity.SetResources(identity.GetResources().Union(["identity"]));
        SetDestinations(identity);
    }

    /// <summary>At the token endpoint: the grant's details go on to the new tokens unchanged.</summary>
    public static void CarryOver(ClaimsPrincipal previous, ClaimsIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(identity);
        if (previous.GetClaim(DetailsClaim) is not { } details)
        {
            return;
        }
        identity.SetClaim(DetailsClaim, details);
        identity.SetClaims(IdentifierClaim, previous.GetClaims(IdentifierClaim));
        identity.SetScopes(identity.GetScopes().Union([CredentialIssuerMetadata.Scope]));
        identity.SetResources(identity.GetResources().Union(["identity"]));
        SetDestinations(identity);
    }

    /// <summary>The identifiers go into the access token; the details stay in the code and refresh token.</summary>
    private static void SetDestinations(ClaimsIdentity identity)
    {
        foreach (var claim in identity.Claims)
        {
            if (claim.Type == IdentifierClaim)
            {
                claim.SetDestinations(Destinations.AccessToken);
            }
            else if (claim.Type == DetailsClaim)
            {
                claim.SetDestinations(ImmutableArray<string>.Empty);
            }
        }
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
