using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Platform.Consent.Consents;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.ServiceDefaults;
using Platform.SignedEvents;

namespace Platform.Consent.Api;

/// <summary>
/// Clinicians' requests for access, answered by the patient: <c>POST /access-requests</c> (a clinician, second factor,
/// asks; nothing is granted), <c>POST /access-requests/{id}/approve</c> (the patient it names: a read-only consent
/// from now for the requested minutes) or <c>/decline</c>; <c>GET /access-requests</c> lists the caller's (made by the
/// clinician, addressed to the patient). <c>GET /clinicians/me/consents</c> gives a clinician the consents granted to
/// them, which is how the clinician portal knows "my patients". Admins have no part in it.
/// </summary>
public static partial class AccessRequestEndpoints
{
    public const string Policy = "access-requests";
    private const long MaxBodyBytes = 16 * 1024;
    private const int MaxListed = 200;

    public static void AddPolicy(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(TokenValidationSetup.Scheme)
            .RequireAuthenticatedUser()
            .RequireScope(ConsentEndpoints.ManageScope)
            .RequireAssertion(c => c.User.HasClaim("role", "patient") || IsClinician(c.User)));
    }

    public static IEndpointRouteBuilder MapAccessRequestEndpoints(this IEndpointRouteBuilder app)
    {
        var requests = app.MapGroup("/access-requests").RequireAuthorization(Policy).RequireRateLimiting(RateLimitPolicies.PerClient)
            .WithTags("Access requests").WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        requests.MapPost("", RequestAsync)
            .WithSummary("A clinician asks a patient for read access to categories, for purposes, for durationMinutes once approved; answers 201. Nothing is granted until the patient approves.");
        requests.MapGet("", ListAsync).WithSummary("The caller's requests: made by the clinician, or addressed to the patient (?status=pending|approved|declined|expired).");
        requests.MapGet("/{id}", GetAsync).WithSummary("One request (its clinician or its patient).");
        requests.MapPost("/{id}/approve", ApproveAsync)
            .WithSummary("The patient approves a pending request: a read-only consent to the clinician from now for the requested duration is granted (signed event, ledger receipt); answers 201.");
        requests.MapPost("/{id}/decline", DeclineAsync).WithSummary("The patient declines a pending request; nothing is granted.");

        app.MapGet("/clinicians/me/consents", GrantedToMeAsync)
            .RequireAuthorization(Policy)
            .RequireRateLimiting(RateLimitPolicies.PerClient)
            .WithTags("Access requests")
            .WithSummary("A clinician's view of the consents granted to them that are in force now: their patients.");
        return app;
    }

    private static async Task<IResult> RequestAsync(HttpContext http, AccessRequestBody body, AccessRequestCommands commands, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var clinician = RequireClinician(http);
        if (!Pseudonyms.IsValid(body.Patient))
        {
            throw ProblemException.Unprocessable($"patient must be the patient's id ({Pseudonyms.Rule}).", ConsentErrorCodes.MalformedSubject);
        }
        if (body.DurationMinutes is not { } minutes)
        {
            throw ProblemException.Unprocessable("durationMinutes says how long the access lasts once the patient approves (e.g. 60 for a consultation).", ConsentErrorCodes.DurationOutOfRange);
        }
        var request = await commands.RequestAsync(body.Patient!, clinician, body.Categories ?? [], body.Purposes ?? [], TimeSpan.FromMinutes(minutes), ct);
        LogRequest(Audit(loggers), request.Id, "requested");
        return Results.Created($"/access-requests/{request.Id}", AccessRequestView.From(request, time.GetUtcNow()));
    }

    private static async Task<IResult> ListAsync(HttpContext http, string? status, ConsentDbContext db, TimeProvider time, CancellationToken ct)
    {
        var caller = Subject(http);
        AccessRequestStatus? wanted = null;
        if (status is not null)
        {
            wanted = AccessRequestStatusCodes.TryParse(status, out var parsed)
                ? parsed
                : throw ProblemException.BadRequest("status must be pending, approved, declined or expired.", "malformed_status");
        }
        var query = IsClinician(http.User)
            ? db.AccessRequests.AsNoTracking().Where(r => r.Clinician == caller)
            : db.AccessRequests.AsNoTracking().Where(r => r.Patient == caller);
        if (wanted is { } filter)
        {
            // Expired is a pending request past its time: both are stored as pending.
            var stored = filter is AccessRequestStatus.Pending or AccessRequestStatus.Expired ? AccessRequestStatus.Pending.ToCode() : filter.ToCode();
            query = query.Where(r => r.Status == stored);
        }
        var rows = await query.OrderByDescending(r => r.RequestedAtMs).Take(MaxListed).ToListAsync(ct);
        var now = time.GetUtcNow();
        return Results.Ok(rows.Select(r => r.ToRequest()).Where(r => wanted is null || r.StatusAt(now) == wanted).Select(r => AccessRequestView.From(r, now)));
    }

    private static async Task<IResult> GetAsync(HttpContext http, string id, ConsentDbContext db, TimeProvider time, CancellationToken ct)
    {
        var caller = Subject(http);
        var requestId = ParseId(id);
        var row = await db.AccessRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == requestId && (r.Clinician == caller || r.Patient == caller), ct)
            ?? throw ProblemException.NotFound($"No access request {requestId}.");
        return Results.Ok(AccessRequestView.From(row.ToRequest(), time.GetUtcNow()));
    }

    private static async Task<IResult> ApproveAsync(HttpContext http, string id, AccessRequestCommands commands, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var patient = RequirePatient(http);
        var requestId = ParseId(id);
        var (request, consent) = await commands.ApproveAsync(requestId, patient, ct);
        LogRequest(Audit(loggers), requestId, "approved");
        return Results.Created($"/consents/{consent.Id}", new AccessApprovalView(AccessRequestView.From(request, time.GetUtcNow()), ConsentView.From(consent)));
    }

    private static async Task<IResult> DeclineAsync(HttpContext http, string id, AccessRequestCommands commands, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var patient = RequirePatient(http);
        var requestId = ParseId(id);
        var request = await commands.DeclineAsync(requestId, patient, ct);
        LogRequest(Audit(loggers), requestId, "declined");
        return Results.Ok(AccessRequestView.From(request, time.GetUtcNow()));
    }

    private static async Task<IResult> GrantedToMeAsync(HttpContext http, ConsentDbContext db, TimeProvider time, CancellationToken ct)
    {
        var clinician = RequireClinician(http);
        var practitioner = GranteeKind.Practitioner.ToCode();
        var active = ConsentStatus.Active.ToCode();
        var rows = await db.Consents.AsNoTracking()
            .Where(c => c.GranteeId == clinician && c.GranteeKind == practitioner && c.Status == active)
            .OrderBy(c => c.CreatedAtMs).Take(MaxListed).ToListAsync(ct);
        var now = time.GetUtcNow();
        // In force now: started, and not past its end (the expiry scan may not have marked it yet).
        return Results.Ok(rows.Select(r => r.ToConsent()).Where(c => c.ValidFrom <= now && (c.ValidUntil is null || c.ValidUntil > now)).Select(c => ConsentView.From(c)));
    }

    /// <summary>A clinician signed in with a second factor: the only kind who may ask for access.</summary>
    private static bool IsClinician(ClaimsPrincipal user) =>
        user.HasClaim("role", "clinician") && user.HasClaim("acr", PlatformPolicies.MultiFactorAcr);

    private static string Subject(HttpContext http) =>
        http.User.FindFirstValue("sub") ?? throw ProblemException.BadRequest("The token has no subject.");

    private static string RequireClinician(HttpContext http) => IsClinician(http.User)
        ? Subject(http)
        : throw new ProblemException(StatusCodes.Status403Forbidden, "Not allowed.", "Only clinicians signed in with a second factor ask for access.", "forbidden");

    private static string RequirePatient(HttpContext http) => http.User.HasClaim("role", "patient")
        ? Subject(http)
        : throw new ProblemException(StatusCodes.Status403Forbidden, "Not allowed.", "Only the patient a request names answers it.", "forbidden");

    private static Guid ParseId(string id) =>
        Guid.TryParse(id, out var parsed) ? parsed : throw ProblemException.BadRequest("The access request id is not a UUID.", "malformed_id");

    private static ILogger Audit(ILoggerFactory loggers) => loggers.CreateLogger("Platform.Consent.Audit");

    // Only the request's id: who asked whom for what stays in the database, not in logs.
    [LoggerMessage(Level = LogLevel.Information, Message = "Access request {RequestId} {Decision}")]
    private static partial void LogRequest(ILogger logger, Guid requestId, string decision);
}
