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
using Platform.ServiceDefaults;
using CredentialAssurance = Platform.Identity.Credentials.AssuranceLevel;
using CredentialClaims = Platform.Identity.Credentials.VerifiedIdentityClaims;

namespace Platform.Identity.Kyc;

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

        app.MapPost("/credentials/verified-identity", async (HttpContext http, CredentialRequest body, ClaimsPrincipal user,
                IdentityServiceDbContext db, KycService kyc, IKeyProvider keys, TimeProvider time, CancellationToken ct) =>
            {
                var issuer = Issuer(http);
                var holderKey = HolderProof.Verify(body.Proof, issuer, time.GetUtcNow());
                var owner = user.GetClaim(OpenIddictConstants.Claims.Subject) ?? throw ProblemException.BadRequest("The token has no subject.");
                var approved = await db.KycCases.AsNoTracking()
                    .Where(c => c.OwnerId == owner && c.State == nameof(KycCaseState.Approved))
                    .OrderByDescending(c => c.UpdatedAtMs).FirstOrDefaultAsync(ct)
                    ?? throw ProblemException.Conflict("There is no approved KYC case for this account.", "not_verified");
                var kycCase = await kyc.GetAsync(approved.Id, ct);
                var application = (await kyc.OpenEvidenceAsync(approved.Id, ct)).Last(e => e.Row.Kind == "application");
                var form = JsonDocument.Parse(application.Content).RootElement.GetProperty("form");
                var level = AssuranceMapper.Map(kycCase).Code switch
                {
                    "high" => CredentialAssurance.High,
                    "substantial" => CredentialAssurance.Substantial,
                    _ => CredentialAssurance.Low,
                };
                var claims = new CredentialClaims(
                    form.GetProperty("GivenNames").GetString()!,
                    form.GetProperty("FamilyName").GetString()!,
                    DateOnly.Parse(form.GetProperty("BirthDate").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                    form.GetProperty("Nationality").GetString()!,
                    level);
                var signingKey = await keys.GetSigningKeyAsync(SigningKeyName, ct);
                var credential = await new SdJwtIssuer(signingKey, time).IssueAsync(
                    VerifiedIdentityCredential.CreateRequest(issuer, claims, holderKey, time.GetUtcNow(), Lifetime), ct);
                return Results.Ok(new { format = SdJwtConstants.SdJwtVcType, credential = credential.Compact });
            })
            .RequireAuthorization(KycEndpoints.ApplicantPolicy)
            .RequireRateLimiting(RateLimitPolicies.Sensitive)
            .WithTags("Credentials")
            .WithSummary("Issues the SD-JWT VC for an approved KYC case, bound to the holder key proven in 'proof'.");
        return app;
    }

    /// <summary>The OpenID Connect issuer this service runs as (configured, or the request's origin).</summary>
    private static string Issuer(HttpContext http) =>
        http.RequestServices.GetService(typeof(Microsoft.Extensions.Options.IOptions<Oidc.OidcOptions>)) is Microsoft.Extensions.Options.IOptions<Oidc.OidcOptions> { Value.Issuer: { } configured }
            ? configured.AbsoluteUri.TrimEnd('/')
            : $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
}

/// <summary>POST /credentials/verified-identity.</summary>
public sealed record CredentialRequest(string? Proof);
