using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using Platform.Crypto;
using Platform.Identity.Credentials;
using Platform.Identity.Data;
using Platform.Identity.Kyc;
using Platform.Messaging.Outbox;
using Platform.ServiceDefaults;

namespace Platform.Identity.Verification;

/// <summary>
/// The verified-identity credential: <c>POST /credentials/verified-identity</c> issues an SD-JWT VC to the holder of
/// an approved KYC case, bound to the key the holder proves it holds; <c>/.well-known/jwt-vc-issuer</c> publishes the
/// issuer's keys so anyone can verify presentations.
/// </summary>
public static class CredentialEndpoints
{
    public const string SigningKeyName = "vc-issuer";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);

    public static IEndpointRouteBuilder MapCredentialEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(JwtVcIssuerMetadata.WellKnownPath, async (HttpContext http, IKeyProvider keys, CancellationToken ct) =>
            {
                var key = await keys.GetSigningKeyAsync(SigningKeyName, ct);
                return Results.Text(new JwtVcIssuerMetadata(Issuer(http), [key.GetPublicJwk()]).ToJson().ToJsonString(), "application/json");
            })
            .AllowAnonymous().WithTags("Credentials").WithSummary("SD-JWT VC issuer metadata: the issuer and its public keys.");

        app.MapGet(StatusListPath, async (HttpContext http, IdentityServiceDbContext db, IKeyProvider keys, TimeProvider time, CancellationToken ct) =>
            {
                var size = await db.CredentialStatuses.CountAsync(ct) == 0 ? 0 : await db.CredentialStatuses.MaxAsync(c => c.Index, ct) + 1;
                var revoked = await db.CredentialStatuses.AsNoTracking().Where(c => c.Revoked).Select(c => (long)c.Index).ToListAsync(ct);
                var key = await keys.GetSigningKeyAsync(SigningKeyName, ct);
                var token = await StatusListToken.IssueAsync(key, StatusListUri(Issuer(http)), size, revoked, time.GetUtcNow(), TimeSpan.FromMinutes(5), ct);
                http.Response.Headers.CacheControl = "max-age=60";
                return Results.Text(token, "application/statuslist+jwt");
            })
            .AllowAnonymous().WithTags("Credentials").WithSummary("The credential status list (revocations), signed by the credential issuer key.");

        app.MapPost("/credentials/revoke", async (CredentialRevocation body, ClaimsPrincipal admin, IdentityServiceDbContext db, TimeProvider time,
                Microsoft.AspNetCore.Identity.UserManager<Accounts.PlatformUser> users, Microsoft.Extensions.Logging.ILoggerFactory loggers, CancellationToken ct) =>
            {
                if (string.IsNullOrWhiteSpace(body.UserId) || string.IsNullOrWhiteSpace(body.Reason) || body.Reason.Length > 64 ||
                    !body.Reason.All(c => char.IsAsciiLetterLower(c) || c is '_'))
                {
                    throw ProblemException.Unprocessable("userId and a reason code (lowercase letters and _, at most 64) are required.", "invalid_revocation");
                }
                // An id that names no account and never held a credential is a typo: answering 200 "revoked 0" would let
                // an admin believe a person's credentials are revoked, and announce identity.revoked for nobody.
                if (await users.FindByIdAsync(body.UserId) is null && !await db.CredentialStatuses.AnyAsync(c => c.OwnerId == body.UserId, ct))
                {
                    throw new ProblemException(StatusCodes.Status404NotFound, "The resource was not found.",
                        $"No account and no credential has the id '{body.UserId}'.", "unknown_user");
                }
                var slots = await db.CredentialStatuses.Where(c => c.OwnerId == body.UserId && !c.Revoked).ToListAsync(ct);
                foreach (var slot in slots)
                {
                    slot.Revoked = true;
                    slot.RevokedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
                }
                // Consents granted to this person are suspended by the consent service when it hears of it.
                db.AddIntegrationEvent(new Platform.Contracts.Events.IdentityRevokedV1(body.UserId, body.Reason), "identity");
                await db.SaveChangesAsync(ct);
                Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(loggers.CreateLogger("Platform.Identity.Admin"),
                    "Credentials of {UserId} revoked by admin {AdminId} ({Reason}); {Count} credentials", body.UserId,
                    admin.GetClaim(OpenIddictConstants.Claims.Subject), body.Reason, slots.Count);
                return Results.Ok(new { revoked = slots.Count });
            })
            .RequireAuthorization(Admin.AdminEndpoints.Policy)
            .WithTags("Credentials").WithSummary("Revokes every credential of a person and announces identity.revoked.");

        app.MapPost("/credentials/verified-identity", async (HttpContext http, CredentialRequest body, ClaimsPrincipal user,
                VerifiedIdentityIssuance issuance, CancellationToken ct) =>
            {
                var owner = user.GetClaim(OpenIddictConstants.Claims.Subject) ?? throw ProblemException.BadRequest("The token has no subject.");
                var credential = await issuance.IssueAsync(Issuer(http), body.Proof, owner, ct);
                return Results.Ok(new { format = SdJwtConstants.SdJwtVcType, credential });
            })
            .RequireAuthorization(KycEndpoints.ApplicantPolicy)
            .RequireRateLimiting(RateLimitPolicies.Sensitive)
            .WithTags("Credentials")
            .WithSummary("Issues the SD-JWT VC for an approved KYC case, bound to the holder key proven in 'proof'.");
        return app;
    }

    public const string StatusListPath = "/credentials/status-list";

    public static Uri StatusListUri(string issuer) => new(issuer.TrimEnd('/') + StatusListPath);

    /// <summary>The issuer identifier (<see cref="Oidc.IssuerIdentifier"/>): one string for tokens, credentials and proofs.</summary>
    public static string Issuer(HttpContext http) => Oidc.IssuerIdentifier.Of(http);
}

/// <summary>POST /credentials/revoke (admins).</summary>
public sealed record CredentialRevocation(string? UserId, string? Reason);

/// <summary>POST /credentials/verified-identity.</summary>
public sealed record CredentialRequest(string? Proof);
