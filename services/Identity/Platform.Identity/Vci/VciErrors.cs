using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Platform.Identity.Vci;

/// <summary>
/// Errors of the credential and notification endpoints in OpenID4VCI's format (§8.3.1.2, §11.3):
/// <c>400 {"error", "error_description"}</c> as <c>application/json</c>, never cached. The description is plain
/// printable ASCII without <c>"</c> or <c>\</c>, as the specification requires.
/// </summary>
public static class VciErrors
{
    public const string InvalidCredentialRequest = "invalid_credential_request";
    public const string UnknownCredentialConfiguration = "unknown_credential_configuration";
    public const string UnknownCredentialIdentifier = "unknown_credential_identifier";
    public const string InvalidProof = "invalid_proof";
    public const string InvalidNonce = "invalid_nonce";
    public const string CredentialRequestDenied = "credential_request_denied";
    public const string InvalidNotificationId = "invalid_notification_id";
    public const string InvalidNotificationRequest = "invalid_notification_request";

    public static IResult Error(HttpContext http, string error, string description)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.CacheControl = "no-store";
        var safe = new string(description.Where(c => c is >= ' ' and <= '~' and not '"' and not '\\').ToArray());
        return Results.Text(new JsonObject { ["error"] = error, ["error_description"] = safe }.ToJsonString(), "application/json",
            statusCode: StatusCodes.Status400BadRequest);
    }
}
