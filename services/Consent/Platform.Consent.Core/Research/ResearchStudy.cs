using Platform.Contracts.CodeLists;

namespace Platform.Consent.Core;

/// <summary>
/// A study a verified research organisation declares: what patients read before opting in (title, protocol summary,
/// ethics approval reference), what it may receive (record categories, de-identification level), when (the period)
/// and any compensation. Patients' opt-ins are research consents scoped to one study and its terms.
/// </summary>
public sealed record ResearchStudy
{
    public const int MaxTitleLength = 200;
    public const int MaxProtocolSummaryLength = 4000;
    public const int MaxEthicsReferenceLength = 100;

    /// <summary>A study runs at most ten years; a longer one declares a follow-up study, which patients opt in to again.</summary>
    public const int MaxPeriodDays = 3653;

    public required Guid Id { get; init; }
    public required Guid OrganisationId { get; init; }
    public required string Title { get; init; }
    public required string ProtocolSummary { get; init; }
    public required string EthicsApprovalReference { get; init; }

    /// <summary>Codes of <see cref="RecordCategories"/>, distinct, in the code list's order.</summary>
    public required IReadOnlyList<string> Categories { get; init; }

    /// <summary>A code of <see cref="DeidentificationLevelCodes"/>.</summary>
    public required string DeidentificationLevel { get; init; }

    public required DateOnly StartsOn { get; init; }
    public required DateOnly EndsOn { get; init; }
    public StudyCompensation? Compensation { get; init; }
    public required string DeclaredBy { get; init; }
    public required DateTimeOffset DeclaredAt { get; init; }

    /// <summary>
    /// Declares a study for <paramref name="organisation"/>: refused unless the organisation is verified and
    /// <paramref name="declaredBy"/> is its representative, and unless every term is well-formed.
    /// </summary>
    public static ConsentResult<ResearchStudy> Declare(
        Guid id, ResearchOrganisation organisation, string declaredBy, string? title, string? protocolSummary,
        string? ethicsApprovalReference, IEnumerable<string>? categories, string? deidentificationLevel,
        DateOnly startsOn, DateOnly endsOn, StudyCompensation? compensation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(organisation);
        if (id == Guid.Empty)
        {
            return ConsentResult<ResearchStudy>.Failure(ConsentErrorCodes.InvalidId, "The study id must not be empty.");
        }
        if (organisation.Status != OrganisationStatus.Verified)
        {
            return ConsentResult<ResearchStudy>.Failure(ResearchErrorCodes.OrganisationNotVerified,
                $"The organisation is {organisation.Status.ToString().ToLowerInvariant()}; only a verified organisation declares studies.");
        }
        if (!string.Equals(declaredBy, organisation.RepresentativePseudonym, StringComparison.Ordinal))
        {
            // Checked by the service before this point too; kept here so that the rule holds for every caller.
            return ConsentResult<ResearchStudy>.Failure(ResearchErrorCodes.NotRepresentative,
                "Only the organisation's verified representative declares its studies.");
        }
        if (ResearchText.Clean(title, MaxTitleLength) is not { } cleanTitle)
        {
            return ConsentResult<ResearchStudy>.Failure(ResearchErrorCodes.InvalidTitle, $"The title is required: 1-{MaxTitleLength} characters on one line.");
        }
        if (ResearchText.Clean(protocolSummary, MaxProtocolSummaryLength, multiline: true) is not { } summary)
        {
            return ConsentResult<ResearchStudy>.Failure(ResearchErrorCodes.InvalidProtocolSummary,
                $"The protocol summary is required: 1-{MaxProtocolSummaryLength} characters, what patients read before opting in.");
        }
        if (ResearchText.Clean(ethicsApprovalReference, MaxEthicsReferenceLength) is not { } ethics)
        {
            return ConsentResult<ResearchStudy>.Failure(ResearchErrorCodes.InvalidEthicsReference,
                $"The ethics approval reference is required: 1-{MaxEthicsReferenceLength} characters (the committee's reference).");
        }
        var codes = categories?.ToList() ?? [];
        if (codes.Count == 0)
        {
            return ConsentResult<ResearchStudy>.Failure(ConsentErrorCodes.NoCategories, "A study requests at least one record category.");
        }
        if (codes.FirstOrDefault(c => !RecordCategories.IsKnown(c)) is { } unknown)
        {
            return ConsentResult<ResearchStudy>.Failure(ConsentErrorCodes.UnknownCategory,
                $"'{(unknown.Length > 64 ? unknown[..64] + "…" : unknown)}' is not a record category.");
        }
        if (!DeidentificationLevelCodes.IsKnown(deidentificationLevel))
        {
            return ConsentResult<ResearchStudy>.Failure(ResearchErrorCodes.UnknownDeidentificationLevel,
                $"The de-identification level is one of {string.Join(", ", DeidentificationLevelCodes.All)}.");
        }
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (endsOn <= startsOn || endsOn < today || endsOn.DayNumber - startsOn.DayNumber > MaxPeriodDays)
        {
            return ConsentResult<ResearchStudy>.Failure(ResearchErrorCodes.InvalidPeriod,
                $"The period ends after it starts, not in the past, and lasts at most {MaxPeriodDays} days.");
        }
        if (StudyCompensation.Check(compensation) is { } badCompensation)
        {
            return ConsentResult<ResearchStudy>.Failure(badCompensation);
        }
        return ConsentResult<ResearchStudy>.Success(new ResearchStudy
        {
            Id = id,
            OrganisationId = organisation.Id,
            Title = cleanTitle,
            ProtocolSummary = summary,
            EthicsApprovalReference = ethics,
            Categories = RecordCategories.All.Select(c => c.Code).Where(codes.Contains).ToList(),
            DeidentificationLevel = deidentificationLevel!,
            StartsOn = startsOn,
            EndsOn = endsOn,
            Compensation = compensation,
            DeclaredBy = declaredBy,
            DeclaredAt = ConsentTimes.Floor(now),
        });
    }

    /// <summary>Whether the study may receive data on <paramref name="day"/> (its period, both ends included).</summary>
    public bool IsRunningOn(DateOnly day) => day >= StartsOn && day <= EndsOn;
}
