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
using Platform.Consent.Decisions;
using Platform.Contracts.CodeLists;
using Platform.Contracts.Decisions;
using Platform.Hosting.Idempotency;
using Platform.ServiceDefaults;

namespace Platform.Consent.Api;

/// <summary>
/// The patient API (list, grant, narrow, revoke, history with receipts, FHIR export), the decision endpoint for
/// services, and the code lists. Patients act on their own consents; admins read, narrow and revoke anyone's, with an
/// audited reason, but grant on a patient's behalf only through a second admin (<see cref="OnBehalfEndpoints"/>).
/// </summary>
public static partial class ConsentEndpoints
{
    public const string ManagePolicy = "consent-manage";
    public const string DecidePolicy = "consent-decide";
    public const string ManageScope = "consent.manage";
    public const string DecideScope = "consent.decide";
    private const long MaxBodyBytes = 16 * 1024;

    public static void AddPolicies(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(ManagePolicy, policy => policy
            .AddAuthenticationSchemes(TokenValidationSetup.Scheme)
            .RequireAuthenticatedUser()
            .RequireScope(ManageScope)
            .RequireAssertion(c => c.User.HasClaim("role", "patient")
                                   || (c.User.HasClaim("role", "admin") && c.User.HasClaim("acr", PlatformPolicies.MultiFactorAcr))));
        options.AddPolicy(DecidePolicy, policy => policy
            .AddAuthenticationSchemes(TokenValidationSetup.Scheme)
            .RequireAuthenticatedUser()
            .RequireScope(DecideScope)
            .RequireAssertion(c => PlatformPolicies.IsServiceToken(c.User)));
    }

    public static IEndpointRouteBuilder MapConsentEndpoints(this IEndpointRouteBuilder app)
    {
        var consents = app.MapGroup("/consents").RequireAuthorization(ManagePolicy).RequireRateLimiting(RateLimitPolicies.PerClient)
            .WithTags("Consents").WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        consents.MapGet("", ListAsync).WithSummary("The caller's consents (admins: ?subject=).");
        consents.MapPost("", GrantAsync).WithIdempotencyKey().WithSummary("Grants a consent; answers 201 with version 1.");
        consents.MapGet("/{id}", GetAsync).WithSummary("One consent with its history: hashes, signed events and ledger receipts.");
        consents.MapPatch("/{id}", NarrowAsync).WithIdempotencyKey().WithSummary("Narrows a consent (fewer categories or purposes, shorter window).");
        consents.MapPost("/{id}/revoke", RevokeAsync).WithIdempotencyKey().WithSummary("Revokes a consent; every decision after this call returns is a deny.");
        consents.MapGet("/{id}/fhir", FhirAsync).WithSummary("The consent as an HL7 FHIR R4 Consent resource.");

        app.MapPost("/decisions", DecideAsync)
            .RequireAuthorization(DecidePolicy)
            .RequireRateLimiting(RateLimitPolicies.PerClient)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .Accepts<DecisionBody>("application/json")
            .Produces<DecisionResponse>()
            .WithTags("Decisions")
            .WithSummary("Permit or deny an actor's action (access = read, correct = write) on a category of a patient's records for a purpose, from current consents.");

        app.MapPost("/decisions/patients", async (CoveredPatientsBody body, CoveredPatients covered, CancellationToken ct) =>
                Results.Ok(new { patients = await covered.ListAsync(body, ct) }))
            .RequireAuthorization(DecidePolicy)
            .RequireRateLimiting(RateLimitPolicies.PerClient)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .WithTags("Decisions")
            .WithSummary("The patients whose consents in force let an actor read at least one category for a purpose now (the SMART patient picker's list; services only).");

        app.MapGet("/codes", () => Results.Ok(new
            {
                categories = RecordCategories.All.Select(c => new { c.Code, c.Display, sensitive = c.IsSensitive }),
                purposes = PurposesOfUse.All.Select(p => new { p.Code, p.Display, system = PurposesOfUse.System }),
                actions = ProvisionActions.All.Select(a => new { a.Code, a.Display, system = ProvisionActions.System }),
            }))
            .AllowAnonymous()
            .WithTags("Consents")
            .WithSummary("The record categories, purposes of use and actions a consent can name.");
        return app;
    }

    /// <summary>
    /// The actor comes from the person's access token the calling service forwards (<see cref="SubjectToken.Header"/>),
    /// validated here; without one the decision is still answered for the body's actor, but never as a clinician's, so
    /// no break-glass budget is spent and no break-glass audit line is written on a caller's say-so.
    /// </summary>
    private static async Task DecideAsync(HttpContext http, DecisionHttpJson json, DecisionService decisions, SubjectTokenValidator subjects)
    {
        var ct = http.RequestAborted;
        var body = await json.ReadAsync(http.Request, ct);
        SubjectActor? subject = null;
        if (http.Request.Headers.TryGetValue(SubjectToken.Header, out var forwarded))
        {
            subject = forwarded.Count == 1 ? await subjects.ValidateAsync(forwarded.ToString(), ct) : null;
            if (subject is null)
            {
                throw new ProblemException(StatusCodes.Status403Forbidden, "The forwarded subject token is not valid.",
                    $"{SubjectToken.Header} must carry the person's current access token from the identity service, issued for the calling service.", "invalid_subject_token");
            }
        }
        await json.WriteAsync(http.Response, await decisions.DecideAsync(body, subject, ct), ct);
    }

    private static async Task<IResult> ListAsync(HttpContext http, string? subject, ConsentDbContext db, ILoggerFactory loggers, CancellationToken ct)
    {
        var caller = ConsentCaller.From(http);
        var patient = subject ?? caller.SubjectId;
        if (!caller.MayAct(patient))
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "Not allowed.", "Patients see only their own consents.", "forbidden");
        }
        AuditAdmin(loggers, caller, "list", patient);
        var rows = await db.Consents.AsNoTracking().Where(c => c.Subject == patient).OrderBy(c => c.CreatedAtMs).ToListAsync(ct);
        var onBehalf = await PatientNotices.OnBehalfAsync(db, [.. rows.Select(r => r.Id)], ct);
        return Results.Ok(rows.Select(r => ConsentView.From(r.ToConsent(), grantedOnBehalf: onBehalf.GetValueOrDefault(r.Id))));
    }

    private static async Task<IResult> GrantAsync(HttpContext http, GrantRequest body, ConsentCommands commands, ILoggerFactory loggers, CancellationToken ct)
    {
        var caller = ConsentCaller.From(http);
        var patient = body.Subject ?? caller.SubjectId;
        if (!caller.MayAct(patient))
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "Not allowed.", "Patients grant consents only over their own records.", "forbidden");
        }
        if (caller.IsAdmin && !string.Equals(patient, caller.SubjectId, StringComparison.Ordinal))
        {
            // Finding 8 of issue 17: one admin alone must not open a patient's records to someone.
            throw new ProblemException(StatusCodes.Status403Forbidden, "Four eyes required.",
                "A consent on a patient's behalf is proposed at POST /admin/consent-proposals and granted when a second admin approves it.", "four_eyes_required");
        }
        if (body.Grantee is null || !GranteeKindCodes.TryParse(body.Grantee.Kind, out var kind))
        {
            throw ProblemException.Unprocessable("grantee must be { kind: 'practitioner' | 'organization', id }.", "malformed_grantee");
        }
        AuditAdmin(loggers, caller, "grant", patient);
        var consent = await commands.GrantAsync(patient, new Grantee(kind.Value, body.Grantee.Id), body.Categories ?? [], body.Purposes ?? [],
            body.ValidFrom, body.ValidUntil, new ChangeAuthor(caller.SubjectId, caller.AuditReason), ct, body.Actions);
        return Results.Created($"/consents/{consent.Id}", ConsentView.From(consent));
    }

    private static async Task<IResult> GetAsync(HttpContext http, string id, ConsentDbContext db, ILoggerFactory loggers, CancellationToken ct)
    {
        var caller = ConsentCaller.From(http);
        var consent = await FindAsync(db, ParseId(id), caller, ct);
        AuditAdmin(loggers, caller, "read", consent.SubjectPseudonym);
        var history = await db.ConsentVersions.AsNoTracking().Where(v => v.ConsentId == consent.Id).OrderBy(v => v.Version).ToListAsync(ct);
        var onBehalf = await PatientNotices.OnBehalfAsync(db, [consent.Id], ct);
        // The openings (ledger salts) are the patient's: an admin reading on their behalf does not get them.
        var openFor = string.Equals(caller.SubjectId, consent.SubjectPseudonym, StringComparison.Ordinal) ? consent.SubjectPseudonym : null;
        return Results.Ok(ConsentView.From(consent, [.. history.Select(v => ConsentVersionView.From(v, openFor))], onBehalf.GetValueOrDefault(consent.Id)));
    }

    private static async Task<IResult> NarrowAsync(HttpContext http, string id, NarrowRequest body, ConsentCommands commands, ILoggerFactory loggers, CancellationToken ct)
    {
        var caller = ConsentCaller.From(http);
        var consent = await commands.NarrowAsync(ParseId(id), body.Categories, body.Purposes, body.ValidFrom, body.ValidUntil, body.ExpectedVersion,
            new ChangeAuthor(caller.SubjectId, caller.AuditReason), caller.MayAct, ct, body.Actions);
        AuditAdmin(loggers, caller, "narrow", consent.SubjectPseudonym);
        return Results.Ok(ConsentView.From(consent));
    }

    private static async Task<IResult> RevokeAsync(HttpContext http, string id, RevokeRequest? body, ConsentCommands commands, ILoggerFactory loggers, CancellationToken ct)
    {
        var caller = ConsentCaller.From(http);
        var consent = await commands.RevokeAsync(ParseId(id), body?.ExpectedVersion, new ChangeAuthor(caller.SubjectId, caller.AuditReason), caller.MayAct, ct);
        AuditAdmin(loggers, caller, "revoke", consent.SubjectPseudonym);
        return Results.Ok(ConsentView.From(consent));
    }

    private static async Task<IResult> FhirAsync(HttpContext http, string id, ConsentDbContext db, CancellationToken ct)
    {
        var consent = await FindAsync(db, ParseId(id), ConsentCaller.From(http), ct);
        return Results.Text(ConsentFhirExporter.ToJson(consent), "application/fhir+json");
    }

    private static async Task<PatientConsent> FindAsync(ConsentDbContext db, Guid id, ConsentCaller caller, CancellationToken ct)
    {
        var row = await db.Consents.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        var consent = row?.ToConsent();
        // Another patient's consent looks exactly like a missing one.
        return consent is not null && caller.MayAct(consent) ? consent : throw ProblemException.NotFound($"No consent {id}.");
    }

    private static Guid ParseId(string id) =>
        Guid.TryParse(id, out var parsed) ? parsed : throw ProblemException.BadRequest("The consent id is not a UUID.", "malformed_id");

    private static void AuditAdmin(ILoggerFactory loggers, ConsentCaller caller, string action, string patient)
    {
        if (caller.IsAdmin)
        {
            LogAdminAction(loggers.CreateLogger("Platform.Consent.Audit"), caller.SubjectId, action, patient, caller.AuditReason);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin {Admin} performed {Action} on the consents of {Patient}; reason: {Reason}")]
    private static partial void LogAdminAction(ILogger logger, string admin, string action, string patient, string? reason);
}
