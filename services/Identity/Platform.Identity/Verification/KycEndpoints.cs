using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;
using Platform.Hosting.Idempotency;
using Platform.Identity.Accounts;
using Platform.Identity.Kyc;
using Platform.Identity.Oidc;
using Platform.ServiceDefaults;

namespace Platform.Identity.Verification;

/// <summary>
/// The KYC API: an account holder opens a case and submits evidence (checked at once); reviewers (second factor)
/// see the queue, open the evidence (audited) and decide. Bearer tokens from this provider with the <c>kyc</c> scope.
/// </summary>
public static partial class KycEndpoints
{
    public const string ApplicantPolicy = "kyc-applicant";
    public const string ReviewerPolicy = "kyc-reviewer";
    private const long MaxBodyBytes = 16 * 1024 * 1024;

    public static void AddPolicies(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(ApplicantPolicy, policy => policy
            .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(c => c.User.HasScope(OidcScopes.Kyc)));
        options.AddPolicy(ReviewerPolicy, policy => policy
            .AddAuthenticationSchemes(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .RequireClaim(OpenIddictConstants.Claims.Role, PlatformRoles.KycReviewer)
            .RequireClaim(OpenIddictConstants.Claims.AuthenticationContextReference, PlatformClaims.AcrMultiFactor)
            .RequireAssertion(c => c.User.HasScope(OidcScopes.Kyc)));
    }

    public static IEndpointRouteBuilder MapKycEndpoints(this IEndpointRouteBuilder app)
    {
        var kyc = app.MapGroup("/kyc").RequireRateLimiting(RateLimitPolicies.PerClient).WithTags("KYC");
        // Every answer here carries identity evidence or its outcome (the reviewer's evidence call the decrypted
        // passport): no browser or proxy may keep a copy.
        kyc.AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return await next(context);
        });
        kyc.MapPost("/cases", async (ClaimsPrincipal user, KycService service, CancellationToken ct) =>
            {
                var kycCase = await service.StartAsync(Subject(user), ct);
                return Results.Created($"/kyc/cases/{kycCase.Id}", KycCaseView.From(kycCase));
            })
            .RequireAuthorization(ApplicantPolicy).WithIdempotencyKey().WithSummary("Opens a KYC case for the signed-in account (or returns the open one).");
        kyc.MapPost("/cases/{id:guid}/evidence", async (Guid id, KycSubmission body, ClaimsPrincipal user, KycService service, CancellationToken ct) =>
                Results.Ok(KycCaseView.From(await service.SubmitAsync(id, Subject(user), body, ct))))
            .RequireAuthorization(ApplicantPolicy).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes)).WithIdempotencyKey()
            .WithSummary("Submits the form, the MRZ and optional images; the automated checks run at once and route the case.");
        kyc.MapGet("/cases/{id:guid}", async (Guid id, ClaimsPrincipal user, KycService service, CancellationToken ct) =>
            {
                var kycCase = await service.GetAsync(id, ct);
                return kycCase.OwnerId == Subject(user) || user.HasClaim(OpenIddictConstants.Claims.Role, PlatformRoles.KycReviewer)
                    ? Results.Ok(KycCaseView.From(kycCase))
                    : throw ProblemException.NotFound($"No KYC case {id}.");
            })
            .RequireAuthorization(ApplicantPolicy).WithSummary("A case's state and check results (its owner, or a reviewer).");
        kyc.MapGet("/review", async (KycService service, CancellationToken ct) =>
                Results.Ok((await service.ReviewQueueAsync(ct)).Select(KycCaseView.From)))
            .RequireAuthorization(ReviewerPolicy).WithSummary("Cases waiting for a reviewer, oldest first.");
        kyc.MapGet("/cases/{id:guid}/evidence", async (Guid id, ClaimsPrincipal user, KycService service, ILoggerFactory loggers, CancellationToken ct) =>
            {
                var evidence = await service.OpenEvidenceAsync(id, ct);
                LogEvidenceOpened(loggers.CreateLogger("Platform.Identity.Kyc.Audit"), Subject(user), id, evidence.Count);
                return Results.Ok(evidence.Select(e => new
                {
                    kind = e.Row.Kind,
                    contentType = e.Row.ContentType,
                    content = e.Row.ContentType == "application/json" ? (object)System.Text.Json.JsonDocument.Parse(e.Content).RootElement : Convert.ToBase64String(e.Content),
                }));
            })
            .RequireAuthorization(ReviewerPolicy).WithSummary("The case's evidence, decrypted for the reviewer; every opening is audited.");
        kyc.MapPost("/cases/{id:guid}/decision", async (Guid id, KycDecisionRequest body, ClaimsPrincipal user, KycService service, CancellationToken ct) =>
                Results.Ok(KycCaseView.From(await service.DecideAsync(id, Subject(user), body, ct))))
            .RequireAuthorization(ReviewerPolicy).WithIdempotencyKey().WithSummary("Approves or rejects a case in manual review, with a reason; never one's own.");
        return app;
    }

    private static string Subject(ClaimsPrincipal user) =>
        user.GetClaim(OpenIddictConstants.Claims.Subject) ?? throw ProblemException.BadRequest("The token has no subject.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reviewer {Reviewer} opened the evidence of KYC case {CaseId} ({Items} items)")]
    private static partial void LogEvidenceOpened(ILogger logger, string reviewer, Guid caseId, int items);
}
