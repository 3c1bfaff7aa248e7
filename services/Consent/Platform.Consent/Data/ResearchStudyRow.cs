using Platform.Consent.Core;

namespace Platform.Consent.Data;

/// <summary>A declared study as stored: categories space-separated, days as ISO dates, compensation in three nullable columns.</summary>
public sealed class ResearchStudyRow
{
    public Guid Id { get; set; }
    public Guid OrganisationId { get; set; }
    public string Title { get; set; } = "";
    public string ProtocolSummary { get; set; } = "";
    public string EthicsApprovalReference { get; set; } = "";
    public string Categories { get; set; } = "";
    public string DeidentificationLevel { get; set; } = "";
    public DateOnly StartsOn { get; set; }
    public DateOnly EndsOn { get; set; }
    public string? CompensationBasis { get; set; }
    public long? CompensationAmountMinor { get; set; }
    public string? CompensationCurrency { get; set; }
    public string DeclaredBy { get; set; } = "";
    public long DeclaredAtMs { get; set; }

    public static ResearchStudyRow From(ResearchStudy study)
    {
        ArgumentNullException.ThrowIfNull(study);
        return new ResearchStudyRow
        {
            Id = study.Id,
            OrganisationId = study.OrganisationId,
            Title = study.Title,
            ProtocolSummary = study.ProtocolSummary,
            EthicsApprovalReference = study.EthicsApprovalReference,
            Categories = string.Join(' ', study.Categories),
            DeidentificationLevel = study.DeidentificationLevel,
            StartsOn = study.StartsOn,
            EndsOn = study.EndsOn,
            CompensationBasis = study.Compensation is { } c ? CompensationBasisCodes.ToCode(c.Basis) : null,
            CompensationAmountMinor = study.Compensation?.AmountMinor,
            CompensationCurrency = study.Compensation?.Currency,
            DeclaredBy = study.DeclaredBy,
            DeclaredAtMs = study.DeclaredAt.ToUnixTimeMilliseconds(),
        };
    }

    public ResearchStudy ToStudy() => new()
    {
        Id = Id,
        OrganisationId = OrganisationId,
        Title = Title,
        ProtocolSummary = ProtocolSummary,
        EthicsApprovalReference = EthicsApprovalReference,
        Categories = Categories.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        DeidentificationLevel = DeidentificationLevel,
        StartsOn = StartsOn,
        EndsOn = EndsOn,
        Compensation = CompensationBasis is { } basis && CompensationAmountMinor is { } amount && CompensationCurrency is { } currency
            && CompensationBasisCodes.TryParse(basis, out var parsed)
                ? new StudyCompensation(parsed, amount, currency)
                : null,
        DeclaredBy = DeclaredBy,
        DeclaredAt = DateTimeOffset.FromUnixTimeMilliseconds(DeclaredAtMs),
    };
}
