using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
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
/// Research organisations and their studies (issue #22, docs/research.md). A person whose identity KYC verified,
/// signed in with a second factor, registers an organisation and represents it; a KYC reviewer (second factor)
/// verifies or rejects it; the representative of a verified organisation declares studies. Any signed-in person reads a
/// study's terms (patients read them before opting in). Being a researcher is this relationship, held here, not a
/// role in the token: the identity service knows people, not organisations.
/// </summary>
public static partial class ResearchEndpoints
{
    public const string Policy = "research";
    private const long MaxBodyBytes = 32 * 1024;
    private const int MaxListed = 200;

    public static void AddPolicy(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // People only (any role: the routes decide); service clients have no part in organisations and studies.
        options.AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(TokenValidationSetup.Scheme)
            .RequireAuthenticatedUser()
            .RequireScope(ConsentEndpoints.ManageScope)
            .RequireAssertion(c => !PlatformPolicies.IsServiceToken(c.User)));
    }

    public static IEndpointRouteBuilder MapResearchEndpoints(this IEndpointRouteBuilder app)
    {
        var research = app.MapGroup("/research").RequireAuthorization(Policy).RequireRateLimiting(RateLimitPolicies.PerClient)
            .WithTags("Research").WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        research.MapPost("/organisations", RegisterAsync)
            .WithSummary("Registers a research organisation with the caller as its representative (identity verified by KYC, second factor); answers 201, pending review.");
        research.MapGet("/organisations", ListOrganisationsAsync)
            .WithSummary("Reviewers: every organisation (?status=pending|verified|rejected); anyone else: the organisations they represent.");
        research.MapGet("/organisations/{id}", GetOrganisationAsync).WithSummary("One organisation (its representative or a reviewer).");
        research.MapPost("/organisations/{id}/verify", VerifyAsync)
            .WithSummary("A KYC reviewer (second factor, not the representative) verifies a pending organisation; it may then declare studies.");
        research.MapPost("/organisations/{id}/reject", RejectAsync).WithSummary("A KYC reviewer rejects a pending organisation with a reason.");
        research.MapPost("/organisations/{id}/studies", DeclareAsync)
            .WithSummary("The representative of a verified organisation (second factor) declares a study: its terms, categories, de-identification level, period and compensation; answers 201.");
        research.MapGet("/organisations/{id}/studies", ListStudiesAsync).WithSummary("An organisation's studies (its representative or a reviewer).");
        research.MapGet("/studies/{id}", GetStudyAsync).WithSummary("A study's terms as patients read them before opting in (anyone signed in).");
        return app;
    }

    private static async Task<IResult> RegisterAsync(HttpContext http, OrganisationBody body, ResearchCommands commands, ILoggerFactory loggers, CancellationToken ct)
    {
        var caller = RequireSecondFactor(http, "Register a research organisation after signing in with your second factor.");
        var organisation = await commands.RegisterAsync(caller, body.LegalName, body.RegistrationNumber, body.Country, body.RegisteredAddress, ct);
        LogOrganisation(Audit(loggers), organisation.Id, "registered");
        return Results.Created($"/research/organisations/{organisation.Id}", OrganisationView.From(organisation));
    }

    private static async Task<IResult> ListOrganisationsAsync(HttpContext http, string? status, ConsentDbContext db, CancellationToken ct)
    {
        var caller = Subject(http);
        var query = IsReviewer(http.User)
            ? db.ResearchOrganisations.AsNoTracking()
            : db.ResearchOrganisations.AsNoTracking().Where(o => o.Representative == caller);
        if (status is not null)
        {
            if (status is not ("pending" or "verified" or "rejected"))
            {
                throw ProblemException.BadRequest("status must be pending, verified or rejected.", "malformed_status");
            }
            query = query.Where(o => o.Status == status);
        }
        var rows = await query.OrderBy(o => o.RegisteredAtMs).Take(MaxListed).ToListAsync(ct);
        return Results.Ok(rows.Select(r => OrganisationView.From(r.ToOrganisation())));
    }

    private static async Task<IResult> GetOrganisationAsync(HttpContext http, string id, ConsentDbContext db, CancellationToken ct)
    {
        var row = await VisibleOrganisationAsync(http, db, ParseId(id, "organisation"), ct);
        return Results.Ok(OrganisationView.From(row.ToOrganisation()));
    }

    private static async Task<IResult> VerifyAsync(HttpContext http, string id, ResearchCommands commands, ILoggerFactory loggers, CancellationToken ct)
    {
        var reviewer = RequireReviewer(http);
        var organisation = await commands.VerifyAsync(ParseId(id, "organisation"), reviewer, ct);
        LogOrganisation(Audit(loggers), organisation.Id, "verified");
        return Results.Ok(OrganisationView.From(organisation));
    }

    private static async Task<IResult> RejectAsync(HttpContext http, string id, RejectionBody? body, ResearchCommands commands, ILoggerFactory loggers, CancellationToken ct)
    {
        var reviewer = RequireReviewer(http);
        var organisation = await commands.RejectAsync(ParseId(id, "organisation"), reviewer, body?.Reason, ct);
        LogOrganisation(Audit(loggers), organisation.Id, "rejected");
        return Results.Ok(OrganisationView.From(organisation));
    }

    private static async Task<IResult> DeclareAsync(HttpContext http, string id, StudyBody body, ResearchCommands commands, ConsentDbContext db, ILoggerFactory loggers, CancellationToken ct)
    {
        var caller = RequireSecondFactor(http, "Declare a study after signing in with your second factor.");
        var organisationId = ParseId(id, "organisation");
        if (body.StartsOn is not { } startsOn || body.EndsOn is not { } endsOn)
        {
            throw ProblemException.Unprocessable("startsOn and endsOn (YYYY-MM-DD) give the study's period.", ResearchErrorCodes.InvalidPeriod);
        }
        var study = await commands.DeclareAsync(organisationId, caller, new StudyTerms(body.Title, body.ProtocolSummary, body.EthicsApprovalReference,
            body.Categories, body.DeidentificationLevel, startsOn, endsOn, Compensation(body.Compensation)), ct);
        LogStudy(Audit(loggers), study.Id, organisationId);
        var organisation = await db.ResearchOrganisations.AsNoTracking().FirstAsync(o => o.Id == organisationId, ct);
        return Results.Created($"/research/studies/{study.Id}", StudyView.From(study, organisation));
    }

    private static async Task<IResult> ListStudiesAsync(HttpContext http, string id, ConsentDbContext db, CancellationToken ct)
    {
        var organisation = await VisibleOrganisationAsync(http, db, ParseId(id, "organisation"), ct);
        var rows = await db.ResearchStudies.AsNoTracking().Where(s => s.OrganisationId == organisation.Id)
            .OrderBy(s => s.DeclaredAtMs).Take(MaxListed).ToListAsync(ct);
        return Results.Ok(rows.Select(r => StudyView.From(r.ToStudy(), organisation)));
    }

    private static async Task<IResult> GetStudyAsync(string id, ConsentDbContext db, CancellationToken ct)
    {
        var studyId = ParseId(id, "study");
        var study = await db.ResearchStudies.AsNoTracking().FirstOrDefaultAsync(s => s.Id == studyId, ct)
            ?? throw ProblemException.NotFound($"No study {studyId}.");
        var organisation = await db.ResearchOrganisations.AsNoTracking().FirstAsync(o => o.Id == study.OrganisationId, ct);
        return Results.Ok(StudyView.From(study.ToStudy(), organisation));
    }

    /// <summary>The organisation if the caller represents it or reviews organisations; to anyone else it does not exist.</summary>
    private static async Task<ResearchOrganisationRow> VisibleOrganisationAsync(HttpContext http, ConsentDbContext db, Guid id, CancellationToken ct)
    {
        var caller = Subject(http);
        var reviewer = IsReviewer(http.User);
        return await db.ResearchOrganisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id && (reviewer || o.Representative == caller), ct)
            ?? throw ProblemException.NotFound($"No research organisation {id}.");
    }

    private static StudyCompensation? Compensation(CompensationBody? body)
    {
        if (body is null)
        {
            return null;
        }
        if (!CompensationBasisCodes.TryParse(body.Basis, out var basis) || body.AmountMinor is not { } amount)
        {
            throw ProblemException.Unprocessable(
                $"compensation has a basis ({CompensationBasisCodes.PerParticipant} or {CompensationBasisCodes.PerExport}), an amountMinor and a currency.",
                ResearchErrorCodes.InvalidCompensation);
        }
        return new StudyCompensation(basis, amount, body.Currency ?? "");
    }

    /// <summary>A KYC reviewer signed in with a second factor: the role that decides identity cases decides organisations too.</summary>
    private static bool IsReviewer(ClaimsPrincipal user) =>
        user.HasClaim("role", "kyc-reviewer") && user.HasClaim("acr", PlatformPolicies.MultiFactorAcr);

    private static string Subject(HttpContext http) =>
        http.User.FindFirstValue("sub") ?? throw ProblemException.BadRequest("The token has no subject.");

    private static string RequireReviewer(HttpContext http) => IsReviewer(http.User)
        ? Subject(http)
        : throw new ProblemException(StatusCodes.Status403Forbidden, "Not allowed.", "Only KYC reviewers signed in with a second factor review research organisations.", "forbidden");

    /// <summary>Acting for an organisation (registering it, declaring its studies) needs a second factor: patients will trust what it declares.</summary>
    private static string RequireSecondFactor(HttpContext http, string detail) => http.User.HasClaim("acr", PlatformPolicies.MultiFactorAcr)
        ? Subject(http)
        : throw new ProblemException(StatusCodes.Status403Forbidden, "Second factor required.", detail, "second_factor_required");

    private static Guid ParseId(string id, string what) =>
        Guid.TryParse(id, out var parsed) ? parsed : throw ProblemException.BadRequest($"The {what} id is not a UUID.", "malformed_id");

    private static ILogger Audit(ILoggerFactory loggers) => loggers.CreateLogger("Platform.Consent.Audit");

    // Ids only: legal names and people stay in the database.
    [LoggerMessage(Level = LogLevel.Information, Message = "Research organisation {OrganisationId} {Outcome}")]
    private static partial void LogOrganisation(ILogger logger, Guid organisationId, string outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Study {StudyId} declared by organisation {OrganisationId}")]
    private static partial void LogStudy(ILogger logger, Guid studyId, Guid organisationId);
}
