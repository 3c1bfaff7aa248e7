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

namespace Platform.Consent.Api;

/// <summary>
/// Consents granted on a patient's behalf, four eyes: <c>POST /admin/consent-proposals</c> (admin A proposes; nothing
/// is granted), <c>POST /admin/consent-proposals/{id}/approve</c> (admin B, never A, puts it in force) or
/// <c>/reject</c>; and <c>GET /consents/notices</c>, where the patient reads that it happened. Admins only (second
/// factor), each with a reason in <c>X-Audit-Reason</c>; proposing and approving need a meaningful one
/// (<see cref="OnBehalfReason"/>).
/// </summary>
public static partial class OnBehalfEndpoints
{
    private const long MaxBodyBytes = 16 * 1024;
    private const int MaxListed = 200;

    public static IEndpointRouteBuilder MapOnBehalfEndpoints(this IEndpointRouteBuilder app)
    {
        var proposals = app.MapGroup("/admin/consent-proposals").RequireAuthorization(RebuildEndpoints.AdminPolicy)
            .RequireRateLimiting(RateLimitPolicies.PerClient).WithTags("Admin").WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        proposals.MapPost("", ProposeAsync)
            .WithSummary("Proposes a consent on a patient's behalf (subject required); answers 202: nothing is granted until a second admin approves.");
        proposals.MapGet("", ListAsync).WithSummary("Proposals (?subject=, ?status=pending|approved|rejected|expired; default pending).");
        proposals.MapGet("/{id}", GetAsync).WithSummary("One proposal.");
        proposals.MapPost("/{id}/approve", ApproveAsync)
            .WithSummary("A second admin (not the proposer) approves before expiry: the consent is granted, marked on behalf, and the patient notified; answers 201.");
        proposals.MapPost("/{id}/reject", RejectAsync).WithSummary("Any admin (the proposer too) turns a pending proposal down; nothing is granted.");

        app.MapGet("/consents/notices", NoticesAsync)
            .RequireAuthorization(ConsentEndpoints.ManagePolicy)
            .RequireRateLimiting(RateLimitPolicies.PerClient)
            .WithTags("Consents")
            .WithSummary("The caller's notices: consents granted on their behalf by admins (admins: ?subject=).");
        return app;
    }

    private static async Task<IResult> ProposeAsync(HttpContext http, GrantRequest body, OnBehalfCommands commands, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var caller = ConsentCaller.From(http);
        if (string.IsNullOrEmpty(body.Subject))
        {
            throw ProblemException.Unprocessable("subject names the patient the consent is proposed for.", "malformed_subject");
        }
        if (body.Grantee is null || !GranteeKindCodes.TryParse(body.Grantee.Kind, out var kind))
        {
            throw ProblemException.Unprocessable("grantee must be { kind: 'practitioner' | 'organization', id }.", "malformed_grantee");
        }
        var proposal = await commands.ProposeAsync(body.Subject, new Grantee(kind.Value, body.Grantee.Id), body.Categories ?? [], body.Purposes ?? [],
            body.Actions, body.ValidFrom, body.ValidUntil, caller.SubjectId, caller.AuditReason, ct);
        LogDecision(Audit(loggers), caller.SubjectId, "proposed", proposal.Id, proposal.SubjectPseudonym, caller.AuditReason);
        return Results.Accepted($"/admin/consent-proposals/{proposal.Id}", ProposalView.From(proposal, time.GetUtcNow()));
    }

    private static async Task<IResult> ListAsync(HttpContext http, string? subject, string? status, ConsentDbContext db, TimeProvider time, CancellationToken ct)
    {
        ConsentCaller.From(http);
        var wanted = status ?? ProposalStatus.Pending.ToCode();
        if (!ProposalStatusCodes.TryParse(wanted, out var wantedStatus))
        {
            throw ProblemException.BadRequest("status must be pending, approved, rejected or expired.", "malformed_status");
        }
        var query = db.OnBehalfProposals.AsNoTracking();
        if (subject is not null)
        {
            query = query.Where(p => p.Subject == subject);
        }
        // Expired is a pending proposal past its time: both are stored as pending.
        var stored = wantedStatus is ProposalStatus.Pending or ProposalStatus.Expired ? ProposalStatus.Pending.ToCode() : wanted;
        var rows = await query.Where(p => p.Status == stored).OrderByDescending(p => p.ProposedAtMs).Take(MaxListed).ToListAsync(ct);
        var now = time.GetUtcNow();
        return Results.Ok(rows.Select(r => r.ToProposal()).Where(p => p.StatusAt(now) == wantedStatus).Select(p => ProposalView.From(p, now)));
    }

    private static async Task<IResult> GetAsync(HttpContext http, string id, ConsentDbContext db, TimeProvider time, CancellationToken ct)
    {
        ConsentCaller.From(http);
        var proposalId = ParseId(id);
        var row = await db.OnBehalfProposals.AsNoTracking().FirstOrDefaultAsync(p => p.Id == proposalId, ct)
            ?? throw ProblemException.NotFound($"No proposal {proposalId}.");
        return Results.Ok(ProposalView.From(row.ToProposal(), time.GetUtcNow()));
    }

    private static async Task<IResult> ApproveAsync(HttpContext http, string id, OnBehalfCommands commands, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var caller = ConsentCaller.From(http);
        var proposalId = ParseId(id);
        var (proposal, consent) = await commands.ApproveAsync(proposalId, caller.SubjectId, caller.AuditReason, ct);
        LogDecision(Audit(loggers), caller.SubjectId, "approved", proposalId, proposal.SubjectPseudonym, caller.AuditReason);
        return Results.Created($"/consents/{consent.Id}",
            new ApprovalView(ProposalView.From(proposal, time.GetUtcNow()), ConsentView.From(consent, grantedOnBehalf: OnBehalfView.From(OnBehalfProposalRow.From(proposal)))));
    }

    private static async Task<IResult> RejectAsync(HttpContext http, string id, OnBehalfCommands commands, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var caller = ConsentCaller.From(http);
        var proposalId = ParseId(id);
        var proposal = await commands.RejectAsync(proposalId, caller.SubjectId, caller.AuditReason, ct);
        LogDecision(Audit(loggers), caller.SubjectId, "rejected", proposalId, proposal.SubjectPseudonym, caller.AuditReason);
        return Results.Ok(ProposalView.From(proposal, time.GetUtcNow()));
    }

    private static async Task<IResult> NoticesAsync(HttpContext http, string? subject, ConsentDbContext db, CancellationToken ct)
    {
        var caller = ConsentCaller.From(http);
        var patient = subject ?? caller.SubjectId;
        if (!caller.MayAct(patient))
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "Not allowed.", "Patients see only their own notices.", "forbidden");
        }
        return Results.Ok(await PatientNotices.ForAsync(db, patient, ct));
    }

    private static Guid ParseId(string id) =>
        Guid.TryParse(id, out var parsed) ? parsed : throw ProblemException.BadRequest("The proposal id is not a UUID.", "malformed_id");

    private static ILogger Audit(ILoggerFactory loggers) => loggers.CreateLogger("Platform.Consent.Audit");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin {Admin} {Decision} on-behalf consent proposal {ProposalId} for {Patient}; reason: {Reason}")]
    private static partial void LogDecision(ILogger logger, string admin, string decision, Guid proposalId, string patient, string? reason);
}
