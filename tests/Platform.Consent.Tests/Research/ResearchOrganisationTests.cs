using Platform.Consent.Core;

namespace Platform.Consent.Tests.Research;

public sealed class ResearchOrganisationTests
{
    internal static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    internal const string Representative = "rep-pseudonym-0001";
    internal const string Reviewer = "reviewer-pseudonym-01";

    internal static ResearchOrganisation Pending() => ResearchOrganisation.Register(
        Guid.NewGuid(), "Institute of Metabolic Research Ltd", "HRB 123456", "DE", "Musterstraße 1\n10115 Berlin",
        Representative, representativeVerified: true, Now).Value!;

    internal static ResearchOrganisation Verified() => Pending().Verify(Reviewer, Now).Value!;

    [Fact]
    public void A_verified_representative_registers_a_pending_organisation()
    {
        var organisation = Pending();

        Assert.Equal(OrganisationStatus.Pending, organisation.Status);
        Assert.Equal(("Institute of Metabolic Research Ltd", "HRB 123456", "DE"), (organisation.LegalName, organisation.RegistrationNumber, organisation.Country));
        Assert.Equal(Representative, organisation.RepresentativePseudonym);
        Assert.Null(organisation.ReviewedBy);
    }

    [Fact]
    public void A_representative_without_a_verified_identity_registers_nothing()
    {
        var result = ResearchOrganisation.Register(Guid.NewGuid(), "Lab", "123", "GB", "1 Road", Representative, representativeVerified: false, Now);

        Assert.Equal(ResearchErrorCodes.RepresentativeNotVerified, result.Error?.Code);
    }

    [Theory]
    [InlineData("", "123", "GB", "1 Road", ResearchErrorCodes.InvalidLegalName)]
    [InlineData("Lab\u0007", "123", "GB", "1 Road", ResearchErrorCodes.InvalidLegalName)]
    [InlineData("Lab", "", "GB", "1 Road", ResearchErrorCodes.InvalidRegistrationNumber)]
    [InlineData("Lab", "12<script>", "GB", "1 Road", ResearchErrorCodes.InvalidRegistrationNumber)]
    [InlineData("Lab", "123", "gb", "1 Road", ResearchErrorCodes.InvalidCountry)]
    [InlineData("Lab", "123", "GBR", "1 Road", ResearchErrorCodes.InvalidCountry)]
    [InlineData("Lab", "123", "GB", "  ", ResearchErrorCodes.InvalidAddress)]
    public void Malformed_legal_entity_details_are_refused(string name, string number, string country, string address, string code)
    {
        var result = ResearchOrganisation.Register(Guid.NewGuid(), name, number, country, address, Representative, representativeVerified: true, Now);

        Assert.Equal(code, result.Error?.Code);
    }

    [Fact]
    public void A_reviewer_verifies_but_the_representative_cannot_review_their_own_organisation()
    {
        var organisation = Pending();

        Assert.Equal(ResearchErrorCodes.SelfReview, organisation.Verify(Representative, Now).Error?.Code);
        var verified = organisation.Verify(Reviewer, Now).Value!;
        Assert.Equal((OrganisationStatus.Verified, Reviewer), (verified.Status, verified.ReviewedBy));
        Assert.Equal(ResearchErrorCodes.OrganisationNotPending, verified.Verify("another-reviewer-01", Now).Error?.Code);
        Assert.Equal(ResearchErrorCodes.OrganisationNotPending, verified.Reject("another-reviewer-01", "changed my mind", Now).Error?.Code);
    }

    [Fact]
    public void A_rejection_needs_a_reason_and_is_final()
    {
        var organisation = Pending();

        Assert.Equal(ResearchErrorCodes.ReviewReasonRequired, organisation.Reject(Reviewer, " ", Now).Error?.Code);
        var rejected = organisation.Reject(Reviewer, "The registration number does not match the register.", Now).Value!;
        Assert.Equal(OrganisationStatus.Rejected, rejected.Status);
        Assert.Equal(ResearchErrorCodes.OrganisationNotPending, rejected.Verify(Reviewer, Now).Error?.Code);
    }
}
