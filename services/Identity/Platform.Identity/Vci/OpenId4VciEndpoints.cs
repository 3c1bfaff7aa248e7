using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using Platform.Identity.Data;
using Platform.Identity.Kyc;
using Platform.Identity.Oidc;
using Platform.Identity.Verification;
using Platform.ServiceDefaults;

namespace Platform.Identity.Vci;

/// <summary>
/// OpenID for Verifiable Credential Issuance 1.0: issuer metadata, credential offers (made by the applicant, served by
/// reference), the nonce endpoint, the credential endpoint (<c>jwt</c> proofs bound to a single-use <c>c_nonce</c>)
/// and the notification endpoint. The pre-authorized code is redeemed at <c>/connect/token</c>
/// (<see cref="PreAuthorizedCodeGrant"/>).
/// </summary>
public static class OpenId4VciEndpoints
{
    /// <summary>Access tokens from the pre-authorized code grant, or the applicant's own <c>kyc</c> token.</summary>
    public const string CredentialPolicy = "openid4vci-credential";

    public const string OffersPath = "/credentials/offers";
    public const string OfferScheme = "openid-credential-offer://";
    private const int MaxBodyBytes = 64 * 1024;

    public static void AddPolicies(Microsoft.AspNetCore.Authorization.AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(CredentialPolicy, policy => policy
            .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(c => c.User.HasScope(CredentialIssuerMetadata.Scope) || c.User.HasScope(OidcScopes.Kyc)));
    }

    public static IEndpointRouteBuilder MapOpenId4VciEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(CredentialIssuerMetadata.WellKnownPath, (HttpContext http) =>
                Results.Text(CredentialIssuerMetadata.Build(IssuerIdentifier.Of(http)).ToJsonString(), "application/json"))
            .AllowAnonymous().WithTags("OpenID4VCI").WithSummary("Credential issuer metadata (OpenID4VCI 1.0 §12.2).");

        app.MapPost(OffersPath, async (HttpContext http, ClaimsPrincipal user, CredentialOffers offers, CancellationToken ct) =>
            {
                var created = await offers.CreateAsync(Subject(user), IssuerIdentifier.Of(http), ct);
                http.Response.Headers.CacheControl = "no-store";
                var byReference = OfferUri(http, created.Id);
                return Results.Json(new
                {
                    credential_offer = created.Offer,
                    credential_offer_uri = IssuerIdentifier.Url(http, OffersPath + "/" + created.Id),
                    offer_by_value = ByValue(created.Offer),
                    offer_by_reference = byReference,
                    tx_code = created.TxCode,
                    expires_at = created.ExpiresAt,
                }, statusCode: StatusCodes.Status201Created);
            })
            .RequireAuthorization(KycEndpoints.ApplicantPolicy)
            // Per client, not "sensitive": only the approved applicant can ask, and guessing is stopped per code (3 tries).
            .RequireRateLimiting(RateLimitPolicies.PerClient)
            .WithTags("OpenID4VCI").WithSummary("A credential offer (pre-authorized code, 6-digit tx_code) for the caller's approved KYC case.");

        app.MapGet(OffersPath + "/{id}", async (string id, HttpContext http, CredentialOffers offers, CancellationToken ct) =>
            {
                if (id.Length > 64 || await offers.FindAsync(id, IssuerIdentifier.Of(http), ct) is not { } offer)
                {
                    throw ProblemException.NotFound("No such credential offer (unknown, expired or already used).");
                }
                http.Response.Headers.CacheControl = "no-store";
                return Results.Text(offer.ToJsonString(), "application/json");
            })
            // The unguessable id is the capability; the transaction code still has to come from the applicant.
            .AllowAnonymous().WithTags("OpenID4VCI").WithSummary("A credential offer by reference (credential_offer_uri).");

        app.MapPost(CredentialIssuerMetadata.NoncePath, async (HttpContext http, CredentialNonces nonces, CancellationToken ct) =>
            {
                var nonce = await nonces.IssueAsync(ct);
                http.Response.Headers.CacheControl = "no-store";
                return Results.Text(new JsonObject { ["c_nonce"] = nonce }.ToJsonString(), "application/json");
            })
            .AllowAnonymous().RequireRateLimiting(RateLimitPolicies.PerClient)
            .WithTags("OpenID4VCI").WithSummary("A fresh single-use c_nonce for a holder proof (OpenID4VCI 1.0 §7).");

        app.MapPost(CredentialIssuerMetadata.CredentialPath, CredentialAsync)
            .RequireAuthorization(CredentialPolicy)
            // Not "sensitive": every credential needs a fresh single-use nonce and a token, and a wallet retrying
            // after invalid_nonce must not be locked out by a limit shared with the sign-in pages.
            .RequireRateLimiting(RateLimitPolicies.PerClient)
            .WithTags("OpenID4VCI").WithSummary("Issues the verified-identity SD-JWT VC bound to the key of a jwt proof (OpenID4VCI 1.0 §8).");

        app.MapPost(CredentialIssuerMetadata.NotificationPath, NotificationAsync)
            .RequireAuthorization(CredentialPolicy)
            .RequireRateLimiting(RateLimitPolicies.PerClient)
            .WithTags("OpenID4VCI").WithSummary("The wallet reports whether it kept the credential (OpenID4VCI 1.0 §11).");
        return app;
    }

    /// <summary><c>openid-credential-offer://?credential_offer_uri=...</c>: short enough for a QR code.</summary>
    public static string OfferUri(HttpContext http, string offerId) =>
        OfferScheme + "?credential_offer_uri=" + Uri.EscapeDataString(IssuerIdentifier.Url(http, OffersPath + "/" + offerId));

    /// <summary><c>openid-credential-offer://?credential_offer=...</c>: the offer object itself.</summary>
    public static string ByValue(JsonObject offer) => OfferScheme + "?credential_offer=" + Uri.EscapeDataString(offer.ToJsonString());

    private static async Task<IResult> CredentialAsync(HttpContext http, ClaimsPrincipal user, VerifiedIdentityIssuance issuance,
        CancellationToken ct)
    {
        if (await ReadObjectAsync(http, ct) is not { } body)
        {
            return VciErrors.Error(http, VciErrors.InvalidCredentialRequest, "The body must be a JSON object (application/json).");
        }
        // §8.2: a token whose grant returned credential_identifiers (authorization_details) is used with one of them;
        // any other token with credential_configuration_id. Never both.
        var granted = user.GetClaims(CredentialAuthorizationDetails.IdentifierClaim);
        if (body.ContainsKey("credential_identifier"))
        {
            if (body.ContainsKey("credential_configuration_id"))
            {
                return VciErrors.Error(http, VciErrors.InvalidCredentialRequest, "Send credential_identifier or credential_configuration_id, not both.");
            }
            if (Text(body["credential_identifier"]) is not { } identifier || !granted.Contains(identifier, StringComparer.Ordinal))
            {
                return VciErrors.Error(http, VciErrors.UnknownCredentialIdentifier, "This access token was not granted that credential_identifier.");
            }
        }
        else if (!granted.IsDefaultOrEmpty)
        {
            return VciErrors.Error(http, VciErrors.InvalidCredentialRequest, "This token was granted credential_identifiers: send credential_identifier.");
        }
        else if (Text(body["credential_configuration_id"]) is not { } configurationId)
        {
            return VciErrors.Error(http, VciErrors.InvalidCredentialRequest, "credential_configuration_id is required.");
        }
        else if (configurationId != CredentialIssuerMetadata.VerifiedIdentityConfigurationId)
        {
            return VciErrors.Error(http, VciErrors.UnknownCredentialConfiguration, "Unknown credential_configuration_id.");
        }
        if (body.ContainsKey("credential_response_encryption"))
        {
            return VciErrors.Error(http, "invalid_encryption_parameters", "This issuer does not encrypt credential responses.");
        }
        if (body["proofs"] is not JsonObject proofs || proofs.Count != 1 || proofs["jwt"] is not JsonArray jwts || jwts.Count == 0)
        {
            return VciErrors.Error(http, VciErrors.InvalidProof, "proofs must hold exactly one proof type, jwt, with one proof.");
        }
        if (jwts.Count > 1)
        {
            // No batch_credential_issuance in the metadata: one key, one credential.
            return VciErrors.Error(http, VciErrors.InvalidProof, "This issuer issues one credential per request: send one jwt proof.");
        }
        if (Text(jwts[0]) is not { } proof)
        {
            return VciErrors.Error(http, VciErrors.InvalidProof, "A jwt proof must be a string (compact JWS).");
        }
        var owner = Subject(user);
        var issuer = IssuerIdentifier.Of(http);
        var notificationId = Digest.RandomToken(16);
        try
        {
            // The proof's iss, when present, names the client; an anonymous wallet's proof must not claim one (App. F.1).
            var client = user.GetClaim(OpenIddictConstants.Claims.ClientId);
            if (ProofIssuer(proof) is { } proofIss && proofIss != client)
            {
                return VciErrors.Error(http, VciErrors.InvalidProof, "proof iss must be the client_id of the client that obtained the token.");
            }
            var credential = await issuance.IssueAsync(issuer, proof, owner, ct, notificationId);
            http.Response.Headers.CacheControl = "no-store";
            return Results.Text(new JsonObject
            {
                ["credentials"] = new JsonArray(new JsonObject { ["credential"] = credential }),
                ["notification_id"] = notificationId,
            }.ToJsonString(), "application/json");
        }
        catch (ProblemException problem) when (problem.ErrorCode is "invalid_proof" or "invalid_nonce")
        {
            return VciErrors.Error(http, problem.ErrorCode!, problem.Message);
        }
        catch (ProblemException problem) when (problem.ErrorCode is "not_verified")
        {
            return VciErrors.Error(http, VciErrors.CredentialRequestDenied, "There is no approved KYC case for this account.");
        }
    }

    private static async Task<IResult> NotificationAsync(HttpContext http, ClaimsPrincipal user, IdentityServiceDbContext db,
        ILoggerFactory loggers, CancellationToken ct)
    {
        if (await ReadObjectAsync(http, ct) is not { } body || Text(body["notification_id"]) is not { } id || Text(body["event"]) is not { } walletEvent)
        {
            return VciErrors.Error(http, VciErrors.InvalidNotificationRequest, "notification_id and event are required strings.");
        }
        if (walletEvent is not ("credential_accepted" or "credential_failure" or "credential_deleted"))
        {
            return VciErrors.Error(http, VciErrors.InvalidNotificationRequest, "event must be credential_accepted, credential_failure or credential_deleted.");
        }
        var owner = Subject(user);
        // Someone else's notification id is as unknown as a made-up one.
        var slot = id.Length <= 64 ? await db.CredentialStatuses.FirstOrDefaultAsync(c => c.NotificationId == id && c.OwnerId == owner, ct) : null;
        if (slot is null)
        {
            return VciErrors.Error(http, VciErrors.InvalidNotificationId, "Unknown notification_id.");
        }
        slot.WalletEvent = walletEvent;
        await db.SaveChangesAsync(ct);
        Microsoft.Extensions.Logging.LoggerExtensions.LogInformation(loggers.CreateLogger("Platform.Identity.Vci"),
            "Wallet notification {Event} for credential slot {Index}", walletEvent, slot.Index);
        return Results.NoContent();
    }

    private static async Task<JsonObject?> ReadObjectAsync(HttpContext http, CancellationToken ct)
    {
        if (!http.Request.HasJsonContentType() || http.Request.ContentLength > MaxBodyBytes)
        {
            return null;
        }
        try
        {
            var node = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: ct);
            // Counting materialises the properties, so a duplicate name fails here rather than in a later lookup.
            return node is JsonObject body && body.Count >= 0 ? body : null;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A JSON string's value; null for anything else, and for a string that is not valid UTF-16 (a lone surrogate).</summary>
    private static string? Text(JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            return null;
        }
        try
        {
            var text = value.GetValue<string>();
            return HasLoneSurrogate(text) ? null : text;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }
        return false;
    }

    private static string? ProofIssuer(string proof)
    {
        var parts = proof.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }
        try
        {
            using var payload = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]));
            return payload.RootElement.ValueKind == JsonValueKind.Object && payload.RootElement.TryGetProperty("iss", out var iss) &&
                   iss.ValueKind == JsonValueKind.String ? iss.GetString() : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null; // HolderProof.Verify reports the malformed proof.
        }
    }

    private static string Subject(ClaimsPrincipal user) =>
        user.GetClaim(OpenIddictConstants.Claims.Subject) ?? throw ProblemException.BadRequest("The token has no subject.");
}
