using Platform.Consent.Core;
using Platform.Consent.Data;

namespace Platform.Consent.Api;

/// <summary>POST /research/organisations: the legal entity; the representative is the caller, never a field.</summary>
public sealed record OrganisationBody(string? LegalName, string? RegistrationNumber, string? Country, string? RegisteredAddress);

/// <summary>POST /research/organisations/{id}/reject: why, in words the representative can act on.</summary>
public sealed record RejectionBody(string? Reason);

/// <summary>A study's compensation on the wire: <c>per-participant</c> or <c>per-export</c>, an amount in minor units, an ISO 4217 currency.</summary>
public sealed record CompensationBody(string? Basis, long? AmountMinor, string? Currency);

/// <summary>POST /research/organisations/{id}/studies: the study's terms as patients will read them.</summary>
public sealed record StudyBody(
    string? Title, string? ProtocolSummary, string? EthicsApprovalReference, IReadOnlyList<string>? Categories, string? DeidentificationLevel,
    DateOnly? StartsOn, DateOnly? EndsOn, CompensationBody? Compensation);

/// <summary>An organisation as its representative and reviewers see it.</summary>
public sealed record OrganisationView(
    Guid Id, string LegalName, string RegistrationNumber, string Country, string RegisteredAddress, string Representative, string Status,
    DateTimeOffset RegisteredAt, DateTimeOffset? ReviewedAt, string? RejectionReason)
{
    public static OrganisationView From(ResearchOrganisation organisation)
    {
        ArgumentNullException.ThrowIfNull(organisation);
        return new OrganisationView(organisation.Id, organisation.LegalName, organisation.RegistrationNumber, organisation.Country, organisation.RegisteredAddress,
            organisation.RepresentativePseudonym, ResearchOrganisationRow.StatusCode(organisation.Status), organisation.RegisteredAt, organisation.ReviewedAt,
            organisation.RejectionReason);
    }
}

/// <summary>A study as anyone signed in reads it before opting in: its terms and who runs it (no representative's id).</summary>
public sealed record StudyView(
    Guid Id, Guid OrganisationId, string OrganisationName, string OrganisationCountry, string Title, string ProtocolSummary, string EthicsApprovalReference,
    IReadOnlyList<string> Categories, string DeidentificationLevel, DateOnly StartsOn, DateOnly EndsOn, CompensationBody? Compensation, DateTimeOffset DeclaredAt)
{
    public static StudyView From(ResearchStudy study, ResearchOrganisationRow organisation)
    {
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(organisation);
        return new StudyView(study.Id, study.OrganisationId, organisation.LegalName, organisation.Country, study.Title, study.ProtocolSummary,
            study.EthicsApprovalReference, study.Categories, study.DeidentificationLevel, study.StartsOn, study.EndsOn,
            study.Compensation is { } c ? new CompensationBody(CompensationBasisCodes.ToCode(c.Basis), c.AmountMinor, c.Currency) : null, study.DeclaredAt);
    }
}
