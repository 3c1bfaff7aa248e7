using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.Consent.Research;
using Platform.ServiceDefaults;

namespace Platform.Consent.Api;

/// <summary>
/// Patients and studies: <c>GET /research/invitations</c> lists the studies open now with the patient's own opt-in;
/// <c>POST /research/studies/{id}/opt-in</c> grants a research consent (signed, on the ledger, receipted: the consent
/// API shows it like any other), <c>/opt-out</c> revokes it. <c>GET /research/studies/{id}/consent-set</c> gives the
/// record vault (service client with <c>consent.decide</c>) the participants whose opt-ins are in force now.
/// </summary>
public static partial class ResearchParticipationEndpoints
{
    private const long MaxBodyBytes = 16 * 1024;
    private const int MaxListed = 200;

    /// <summary>A study's participants are listed in one answer; a larger cohort is cut here (the export says so) rather than paged, for now.</summary>
    public const int MaxParticipants = 100_000;

    public static IEndpointRouteBuilder MapResearchParticipationEndpoints(this IEndpointRouteBuilder app)
    {
        var patients = app.MapGroup("/research").RequireAuthorization(ConsentEndpoints.ManagePolicy).RequireRateLimiting(RateLimitPolicies.PerClient)
            .WithTags("Research").WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        patients.MapGet("/invitations", InvitationsAsync)
            .WithSummary("The studies a patient may join now (verified organisations, not ended), each with the patient's current opt-in if any.");
        patients.MapPost("/studies/{id}/opt-in", OptInAsync)
            .WithSummary("The patient opts in: a research consent (purpose HRESCH, the study's categories and period, read only) is granted, signed and committed to the ledger; answers 201.");
        patients.MapPost("/studies/{id}/opt-out", OptOutAsync)
            .WithSummary("The patient opts out: the opt-in is revoked; no later export includes them.");

        app.MapGet("/research/studies/{id}/consent-set", ConsentSetAsync)
            .RequireAuthorization(ConsentEndpoints.DecidePolicy)
            .RequireRateLimiting(RateLimitPolicies.PerClient)
            .WithTags("Research")
            .WithSummary("The record vault's question before an export: the study's terms, its representative, and the participants whose opt-ins are in force now, with a hash of the set (services only).");
        return app;
    }

    private static async Task<IResult> InvitationsAsync(HttpContext http, ConsentDbContext db, ResearchOptInCommands optIns, TimeProvider time, CancellationToken ct)
    {
        var patient = RequirePatient(http);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var verified = ResearchOrganisationRow.StatusCode(OrganisationStatus.Verified);
        var open = await (from s in db.ResearchStudies.AsNoTracking()
                          join o in db.ResearchOrganisations.AsNoTracking() on s.OrganisationId equals o.Id
                          where o.Status == verified && s.EndsOn >= today
                          orderby s.DeclaredAtMs
                          select new { Study = s, Organisation = o }).Take(MaxListed).ToListAsync(ct);
        var invitations = new List<InvitationView>(open.Count);
        foreach (var item in open)
        {
            var optIn = await optIns.CurrentOptInAsync(item.Study.Id, patient, ct);
            invitations.Add(new InvitationView(StudyView.From(item.Study.ToStudy(), item.Organisation), optIn?.Id));
        }
        return Results.Ok(invitations);
    }

    private static async Task<IResult> OptInAsync(HttpContext http, string id, ResearchOptInCommands optIns, ILoggerFactory loggers, CancellationToken ct)
    {
        var patient = RequirePatient(http);
        var studyId = ParseId(id);
        var consent = await optIns.OptInAsync(studyId, patient, ct);
        LogParticipation(Audit(loggers), studyId, "opt-in");
        return Results.Created($"/consents/{consent.Id}", ConsentView.From(consent));
    }

    private static async Task<IResult> OptOutAsync(HttpContext http, string id, ResearchOptInCommands optIns, ILoggerFactory loggers, CancellationToken ct)
    {
        var patient = RequirePatient(http);
        var studyId = ParseId(id);
        var consent = await optIns.OptOutAsync(studyId, patient, ct);
        LogParticipation(Audit(loggers), studyId, "opt-out");
        return Results.Ok(ConsentView.From(consent));
    }

    private static async Task<IResult> ConsentSetAsync(string id, ConsentDbContext db, TimeProvider time, CancellationToken ct)
    {
        var studyId = ParseId(id);
        var study = await db.ResearchStudies.AsNoTracking().FirstOrDefaultAsync(s => s.Id == studyId, ct)
            ?? throw ProblemException.NotFound($"No study {studyId}.");
        var organisation = await db.ResearchOrganisations.AsNoTracking().FirstAsync(o => o.Id == study.OrganisationId, ct);
        var grantee = StudyOptIn.GranteeOf(studyId);
        var kind = grantee.Kind.ToCode();
        var active = ConsentStatus.Active.ToCode();
        var rows = await db.Consents.AsNoTracking()
            .Where(c => c.GranteeId == grantee.Id && c.GranteeKind == kind && c.Status == active)
            .OrderBy(c => c.Id).Take(MaxParticipants + 1).ToListAsync(ct);
        var now = time.GetUtcNow();
        var terms = study.ToStudy();
        // In force now, and an opt-in (research only): the decision engine would say the same for each category.
        var participants = rows.Select(r => (Row: r, Consent: r.ToConsent()))
            .Where(p => p.Consent.ValidFrom <= now && (p.Consent.ValidUntil is null || p.Consent.ValidUntil > now) && StudyOptIn.IsFor(p.Consent, terms))
            .Take(MaxParticipants)
            .Select(p => new ParticipantView(p.Consent.SubjectPseudonym, p.Consent.Id, p.Consent.Version, p.Row.Hash, p.Consent.Categories))
            .ToList();
        return Results.Ok(new ConsentSetView(studyId, organisation.Representative, ResearchOrganisationRow.StatusCode(OrganisationStatus.Verified) == organisation.Status,
            StudyView.From(terms, organisation), participants, ConsentSetHash(studyId, participants), now, rows.Count > MaxParticipants));
    }

    /// <summary>
    /// SHA-256 (hex) over the study id and each participant's consent id, version and consent hash, one line each, in
    /// consent id order: what an export's manifest names, so that anyone holding the set can check it was the one used.
    /// No patient id goes in; confirming a guess needs the consent ids, versions and hashes, which only the consent
    /// service and the vault's export hold.
    /// </summary>
    public static string ConsentSetHash(Guid studyId, IReadOnlyList<ParticipantView> participants)
    {
        ArgumentNullException.ThrowIfNull(participants);
        var text = new StringBuilder("consent-set/v1\n").Append(studyId.ToString("N")).Append('\n');
        foreach (var p in participants.OrderBy(p => p.ConsentId))
        {
            text.Append(p.ConsentId.ToString("N")).Append(' ').Append(p.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(' ').Append(p.ConsentHash).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static string RequirePatient(HttpContext http) => http.User.HasClaim("role", "patient")
        ? http.User.FindFirstValue("sub") ?? throw ProblemException.BadRequest("The token has no subject.")
        : throw new ProblemException(StatusCodes.Status403Forbidden, "Not allowed.", "Only patients take part in studies, for themselves.", "forbidden");

    private static Guid ParseId(string id) =>
        Guid.TryParse(id, out var parsed) ? parsed : throw ProblemException.BadRequest("The study id is not a UUID.", "malformed_id");

    private static ILogger Audit(ILoggerFactory loggers) => loggers.CreateLogger("Platform.Consent.Audit");

    // The study only: who opted in stays in the database and, blinded, on the ledger.
    [LoggerMessage(Level = LogLevel.Information, Message = "Study {StudyId}: a patient's {Change}")]
    private static partial void LogParticipation(ILogger logger, Guid studyId, string change);
}

/// <summary>A study open to the patient and the id of their opt-in consent, if they take part.</summary>
public sealed record InvitationView(StudyView Study, Guid? OptInConsentId);

/// <summary>One participant of a study's consent set: their pseudonym, the opt-in consent and its version and hash, its categories.</summary>
public sealed record ParticipantView(string Patient, Guid ConsentId, int Version, string ConsentHash, IReadOnlyList<string> Categories);

/// <summary>What the record vault needs before an export: who may ask for it, the terms, the participants now, and their hash.</summary>
public sealed record ConsentSetView(
    Guid StudyId, string Representative, bool OrganisationVerified, StudyView Study, IReadOnlyList<ParticipantView> Participants, string ConsentSetHash,
    DateTimeOffset AsOf, bool Truncated);
