using Microsoft.EntityFrameworkCore;
using Platform.Consent.Consents;
using Platform.Consent.Core;
using Platform.Consent.Data;
using Platform.Contracts.CodeLists;
using Platform.ServiceDefaults;

namespace Platform.Consent.Research;

/// <summary>
/// A patient's opt-in to a study and opt-out: the opt-in is <see cref="StudyOptIn.Grant"/> through
/// <see cref="ConsentCommands.GrantAsync(ConsentChange, ChangeAuthor, CancellationToken)"/>, so it is signed, committed
/// to the ledger under the same blinded ids as every consent, and receipted; the opt-out is a revocation.
/// </summary>
public sealed class ResearchOptInCommands(ConsentDbContext db, ConsentCommands consents, TimeProvider time)
{
    public async Task<PatientConsent> OptInAsync(Guid studyId, string patient, CancellationToken cancellationToken)
    {
        var study = await OpenStudyAsync(studyId, cancellationToken);
        if (await CurrentOptInAsync(studyId, patient, cancellationToken) is not null)
        {
            throw ProblemException.Conflict("You already take part in this study.", "already_opted_in");
        }
        var result = StudyOptIn.Grant(Guid.NewGuid(), patient, study, time.GetUtcNow());
        var grant = result.IsSuccess ? result.Value : throw ResearchProblems.From(result.Error);
        return await consents.GrantAsync(grant, new ChangeAuthor(patient, $"opt-in to study {studyId}"), cancellationToken);
    }

    public async Task<PatientConsent> OptOutAsync(Guid studyId, string patient, CancellationToken cancellationToken)
    {
        var current = await CurrentOptInAsync(studyId, patient, cancellationToken)
            ?? throw ProblemException.NotFound($"You do not take part in study {studyId}.");
        return await consents.RevokeAsync(current.Id, null, new ChangeAuthor(patient, $"opt-out of study {studyId}"),
            consent => consent.SubjectPseudonym == patient, cancellationToken);
    }

    /// <summary>The patient's active opt-in to the study, if any (a revoked or expired one is history).</summary>
    public async Task<PatientConsent?> CurrentOptInAsync(Guid studyId, string patient, CancellationToken cancellationToken)
    {
        var grantee = StudyOptIn.GranteeOf(studyId);
        var kind = grantee.Kind.ToCode();
        var active = ConsentStatus.Active.ToCode();
        var rows = await db.Consents.AsNoTracking()
            .Where(c => c.Subject == patient && c.GranteeId == grantee.Id && c.GranteeKind == kind && c.Status == active)
            .ToListAsync(cancellationToken);
        return rows.Select(r => r.ToConsent()).FirstOrDefault(c => c.Purposes.SequenceEqual([PurposesOfUse.HealthcareResearch]));
    }

    /// <summary>A study patients may join: declared by an organisation that is still verified, and not ended.</summary>
    private async Task<ResearchStudy> OpenStudyAsync(Guid studyId, CancellationToken cancellationToken)
    {
        var row = await db.ResearchStudies.AsNoTracking().FirstOrDefaultAsync(s => s.Id == studyId, cancellationToken)
            ?? throw ProblemException.NotFound($"No study {studyId}.");
        var verified = ResearchOrganisationRow.StatusCode(OrganisationStatus.Verified);
        if (!await db.ResearchOrganisations.AnyAsync(o => o.Id == row.OrganisationId && o.Status == verified, cancellationToken))
        {
            throw ProblemException.Conflict("The study's organisation is not verified; it takes no participants.", ResearchErrorCodes.OrganisationNotVerified);
        }
        return row.ToStudy();
    }
}
