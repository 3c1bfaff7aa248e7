using Platform.Consent.Core;
using Platform.Contracts.CodeLists;
using static Platform.Consent.Tests.Research.ResearchOrganisationTests;

namespace Platform.Consent.Tests.Research;

public sealed class ResearchStudyTests
{
    private static readonly DateOnly Start = new(2027, 1, 1);
    private static readonly DateOnly End = new(2028, 12, 31);

    private static ConsentResult<ResearchStudy> Declare(
        ResearchOrganisation organisation, string? title = "Long-term glucose control", IEnumerable<string>? categories = null,
        string? level = DeidentificationLevelCodes.SafeHarbor, DateOnly? start = null, DateOnly? end = null,
        StudyCompensation? compensation = null, string declaredBy = Representative, string? ethics = "EK-2026-117",
        string? summary = "We study how HbA1c develops over five years in adults with type 2 diabetes.") =>
        ResearchStudy.Declare(Guid.NewGuid(), organisation, declaredBy, title, summary, ethics,
            categories ?? [RecordCategories.Observation, RecordCategories.Condition], level, start ?? Start, end ?? End, compensation, Now);

    [Fact]
    public void A_verified_organisation_declares_a_study()
    {
        var organisation = Verified();

        var study = Declare(organisation, categories: [RecordCategories.Medication, RecordCategories.Observation],
            compensation: new StudyCompensation(CompensationBasis.PerExport, 500, "EUR")).Value!;

        Assert.Equal(organisation.Id, study.OrganisationId);
        Assert.Equal([RecordCategories.Observation, RecordCategories.Medication], study.Categories); // code-list order
        Assert.Equal(new StudyCompensation(CompensationBasis.PerExport, 500, "EUR"), study.Compensation);
        Assert.True(study.IsRunningOn(Start));
        Assert.False(study.IsRunningOn(End.AddDays(1)));
    }

    [Fact]
    public void An_unverified_organisation_cannot_declare_a_study()
    {
        var pending = Pending();
        var rejected = pending.Reject(Reviewer, "Not a research organisation.", Now).Value!;

        Assert.Equal(ResearchErrorCodes.OrganisationNotVerified, Declare(pending).Error?.Code);
        Assert.Equal(ResearchErrorCodes.OrganisationNotVerified, Declare(rejected).Error?.Code);
    }

    [Fact]
    public void Only_the_representative_declares()
    {
        Assert.Equal(ResearchErrorCodes.NotRepresentative, Declare(Verified(), declaredBy: "someone-else-0001").Error?.Code);
    }

    [Fact]
    public void Each_term_is_checked()
    {
        var organisation = Verified();

        Assert.Equal(ResearchErrorCodes.InvalidTitle, Declare(organisation, title: "").Error?.Code);
        Assert.Equal(ResearchErrorCodes.InvalidTitle, Declare(organisation, title: "two\nlines").Error?.Code);
        Assert.Equal(ResearchErrorCodes.InvalidProtocolSummary, Declare(organisation, summary: new string('x', ResearchStudy.MaxProtocolSummaryLength + 1)).Error?.Code);
        Assert.Equal(ResearchErrorCodes.InvalidEthicsReference, Declare(organisation, ethics: null).Error?.Code);
        Assert.Equal(ConsentErrorCodes.NoCategories, Declare(organisation, categories: Array.Empty<string>()).Error?.Code);
        Assert.Equal(ConsentErrorCodes.UnknownCategory, Declare(organisation, categories: ["Observation"]).Error?.Code);
        Assert.Equal(ResearchErrorCodes.UnknownDeidentificationLevel, Declare(organisation, level: "none").Error?.Code);
    }

    [Theory]
    [InlineData("2027-01-01", "2027-01-01")]
    [InlineData("2027-01-01", "2026-12-31")]
    [InlineData("2020-01-01", "2026-12-02")]
    [InlineData("2027-01-01", "2037-01-03")]
    public void A_period_must_end_after_it_starts_not_in_the_past_and_within_ten_years(string start, string end)
    {
        var result = Declare(Verified(), start: DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
            end: DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(ResearchErrorCodes.InvalidPeriod, result.Error?.Code);
    }

    [Theory]
    [InlineData(CompensationBasis.PerParticipant, 0, "EUR")]
    [InlineData(CompensationBasis.PerParticipant, -5, "EUR")]
    [InlineData(CompensationBasis.PerParticipant, StudyCompensation.MaxAmountMinor + 1, "EUR")]
    [InlineData(CompensationBasis.PerExport, 100, "eur")]
    [InlineData(CompensationBasis.PerExport, 100, "EURO")]
    [InlineData((CompensationBasis)7, 100, "EUR")]
    public void A_compensation_needs_a_positive_bounded_amount_and_a_currency_code(CompensationBasis basis, long amount, string currency)
    {
        Assert.Equal(ResearchErrorCodes.InvalidCompensation, Declare(Verified(), compensation: new StudyCompensation(basis, amount, currency)).Error?.Code);
    }

    [Fact]
    public void Compensation_is_optional()
    {
        Assert.Null(Declare(Verified()).Value!.Compensation);
    }
}
