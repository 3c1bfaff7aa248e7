using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Wallet.Cli;

/// <summary>
/// An OpenID4VCI credential offer as the wallet receives it (§4.1): the QR code's text
/// (<c>openid-credential-offer://?credential_offer=...</c> or <c>...?credential_offer_uri=...</c>, any scheme), or the
/// offer object's JSON itself. Its grants (§4.1.1): the pre-authorized code (with a transaction code), the
/// authorization code (with its <c>issuer_state</c>), or both; an offer without <c>grants</c> leaves the wallet the
/// authorization code flow.
/// </summary>
internal sealed record CredentialOffer(string CredentialIssuer, IReadOnlyList<string> ConfigurationIds, string? PreAuthorizedCode, bool TxCodeRequired,
    int? TxCodeLength, string? TxCodeDescription, bool AuthorizationCodeAllowed, string? IssuerState)
{
    public const string PreAuthorizedGrant = "urn:ietf:params:oauth:grant-type:pre-authorized_code";
    public const string AuthorizationCodeGrant = "authorization_code";

    /// <summary>The offer object, or the URI to fetch it from (by reference).</summary>
    /// <exception cref="CliException">Not an offer.</exception>
    public static (JsonObject? Offer, Uri? Reference) Read(string text)
    {
        text = text.Trim();
        if (text.StartsWith('{'))
        {
            return (ParseObject(text), null);
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            throw CliException.Usage("--offer must be a credential offer URI (openid-credential-offer://?...) or its JSON.");
        }
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var byValue = query.GetValues("credential_offer");
        var byReference = query.GetValues("credential_offer_uri");
        // §4.1: exactly one of the two.
        if ((byValue?.Length ?? 0) + (byReference?.Length ?? 0) != 1)
        {
            throw CliException.Usage("the offer URI must carry exactly one credential_offer or credential_offer_uri parameter.");
        }
        if (byValue is { Length: 1 })
        {
            return (ParseObject(byValue[0]), null);
        }
        if (!Uri.TryCreate(byReference![0], UriKind.Absolute, out var reference) ||
            !(reference.Scheme == Uri.UriSchemeHttps || reference.Scheme == Uri.UriSchemeHttp && reference.IsLoopback))
        {
            throw CliException.Usage("credential_offer_uri must be an https URL (http only on localhost).");
        }
        return (null, reference);
    }

    /// <exception cref="CliException">The object is not a usable offer.</exception>
    public static CredentialOffer From(JsonObject offer)
    {
        var issuer = offer["credential_issuer"] is JsonValue i && i.GetValueKind() == JsonValueKind.String ? i.GetValue<string>()
            : throw CliException.Failure("the credential offer has no credential_issuer.");
        var ids = (offer["credential_configuration_ids"] as JsonArray)?.OfType<JsonValue>()
            .Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()).ToList() ?? [];
        if (ids.Count == 0)
        {
            throw CliException.Failure("the credential offer names no credential_configuration_ids.");
        }
        var grants = offer["grants"] as JsonObject;
        var authorizationCode = grants is null || grants[AuthorizationCodeGrant] is JsonObject;
        var issuerState = grants?[AuthorizationCodeGrant] is JsonObject a && a["issuer_state"] is JsonValue s && s.GetValueKind() == JsonValueKind.String
            ? s.GetValue<string>() : null;
        if (grants?[PreAuthorizedGrant] is not JsonObject grant)
        {
            return authorizationCode
                ? new CredentialOffer(issuer, ids, null, false, null, null, true, issuerState)
                : throw CliException.Failure("the credential offer has neither a pre-authorized code nor an authorization_code grant.");
        }
        if (grant["pre-authorized_code"] is not JsonValue code || code.GetValueKind() != JsonValueKind.String)
        {
            throw CliException.Failure("the credential offer's pre-authorized code grant has no pre-authorized_code.");
        }
        var tx = grant["tx_code"] as JsonObject;
        int? length = tx?["length"] is JsonValue l && l.GetValueKind() == JsonValueKind.Number ? l.GetValue<int>() : null;
        string? description = tx?["description"] is JsonValue d && d.GetValueKind() == JsonValueKind.String ? d.GetValue<string>() : null;
        return new CredentialOffer(issuer, ids, code.GetValue<string>(), tx is not null, length, description, authorizationCode, issuerState);
    }

    public override string ToString() => $"CredentialOffer {{ CredentialIssuer = {CredentialIssuer} (codes and issuer_state redacted) }}";

    private static JsonObject ParseObject(string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject ?? throw CliException.Failure("the credential offer is not a JSON object.");
        }
        catch (JsonException)
        {
            throw CliException.Failure("the credential offer is not valid JSON.");
        }
    }
}
