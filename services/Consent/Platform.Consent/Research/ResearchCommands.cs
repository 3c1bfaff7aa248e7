using Microsoft.EntityFrameworkCore;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.ServiceDefaults;

namespace Platform.Consent.Research;

/// <summary>
/// Organisations register (a KYC-verified person as representative), reviewers verify or reject them, and a verified
/// organisation's representative declares studies. The rules live in <see cref="ResearchOrganisation"/> and
/// <see cref="ResearchStudy"/>; this class loads, stores and turns refusals into problem+json.
/// </summary>
public sealed class ResearchCommands(ConsentDbContext db, TimeProvider time)
{
    /// <summary>How many organisations one person may have waiting for review: enough for a group of institutes, not for flooding the reviewers.</summary>
    public const int MaxPendingPerRepresentative = 10;

    public async Task<ResearchOrganisation> RegisterAsync(
        string representative, string? legalName, string? registrationNumber, string? country, string? registeredAddress, CancellationToken cancellationToken)
    {
        var verified = await db.VerifiedPeople.AnyAsync(p => p.Subject == representative, cancellationToken);
        var result = ResearchOrganisation.Register(Guid.NewGuid(), legalName, registrationNumber, country, registeredAddress, representative, verified, time.GetUtcNow());
        var organisation = result.IsSuccess ? result.Value : throw ResearchProblems.From(result.Error);
        var pending = ResearchOrganisationRow.StatusCode(OrganisationStatus.Pending);
        if (await db.ResearchOrganisations.CountAsync(o => o.Representative == representative && o.Status == pending, cancellationToken) >= MaxPendingPerRepresentative)
        {
            throw ProblemException.TooManyRequests(
                $"You have {MaxPendingPerRepresentative} organisations waiting for review; wait for a reviewer's answer.", "too_many_pending_organisations", TimeSpan.FromHours(1));
        }
        db.ResearchOrganisations.Add(ResearchOrganisationRow.From(organisation));
        await db.SaveChangesAsync(cancellationToken);
        return organisation;
    }

    public Task<ResearchOrganisation> VerifyAsync(Guid id, string reviewer, CancellationToken cancellationToken) =>
        ReviewAsync(id, organisation => organisation.Verify(reviewer, time.GetUtcNow()), cancellationToken);

    public Task<ResearchOrganisation> RejectAsync(Guid id, string reviewer, string? reason, CancellationToken cancellationToken) =>
        ReviewAsync(id, organisation => organisation.Reject(reviewer, reason, time.GetUtcNow()), cancellationToken);

    public async Task<ResearchStudy> DeclareAsync(Guid organisationId, string caller, StudyTerms terms, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var row = await db.ResearchOrganisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == organisationId, cancellationToken);
        // An organisation the caller does not represent looks missing, as another patient's consent does.
        if (row is null || row.Representative != caller)
        {
            throw ProblemException.NotFound($"No research organisation {organisationId} that you represent.");
        }
        // Verified once is not enough: a representative whose credential was revoked since acts for no one.
        if (!await db.VerifiedPeople.AnyAsync(p => p.Subject == caller, cancellationToken))
        {
            throw ResearchProblems.From(new ConsentError(ResearchErrorCodes.RepresentativeNotVerified,
                "Your identity is no longer verified; complete identity verification again to act for the organisation."));
        }
        var result = ResearchStudy.Declare(Guid.NewGuid(), row.ToOrganisation(), caller, terms.Title, terms.ProtocolSummary, terms.EthicsApprovalReference,
            terms.Categories, terms.DeidentificationLevel, terms.StartsOn, terms.EndsOn, terms.Compensation, time.GetUtcNow());
        var study = result.IsSuccess ? result.Value : throw ResearchProblems.From(result.Error);
        db.ResearchStudies.Add(ResearchStudyRow.From(study));
        await db.SaveChangesAsync(cancellationToken);
        return study;
    }

    private async Task<ResearchOrganisation> ReviewAsync(Guid id, Func<ResearchOrganisation, ConsentResult<ResearchOrganisation>> review, CancellationToken cancellationToken)
    {
        var row = await db.ResearchOrganisations.FirstOrDefaultAsync(o => o.Id == id, cancellationToken)
            ?? throw ProblemException.NotFound($"No research organisation {id}.");
        var result = review(row.ToOrganisation());
        var reviewed = result.IsSuccess ? result.Value : throw ResearchProblems.From(result.Error);
        row.CopyFrom(reviewed);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw ProblemException.Conflict("Another reviewer decided at the same time; reload the organisation.", "concurrent_change");
        }
        return reviewed;
    }
}

/// <summary>What a representative declares about a study (checked by <see cref="ResearchStudy.Declare"/>).</summary>
public sealed record StudyTerms(
    string? Title, string? ProtocolSummary, string? EthicsApprovalReference, IReadOnlyList<string>? Categories, string? DeidentificationLevel,
    DateOnly StartsOn, DateOnly EndsOn, StudyCompensation? Compensation);
