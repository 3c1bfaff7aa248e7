using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Platform.Identity.Kyc;
using static Platform.Identity.Kyc.Tests.Specimens;

namespace Platform.Identity.Kyc.Tests;

public sealed class KycCheckRunnerTests
{
    internal static readonly IdentityFingerprinter Fingerprinter = new(Enumerable.Repeat((byte)42, 32).ToArray());

    // A Swedish passport built from the specimen's data but valid until 2034.
    internal static readonly string CleanMrz = MrzBuilder.Td3(issuingState: "SWE", nationality: "SWE", expiryDate: "340415");

    internal static readonly KycFormData CleanForm = new("Anna Maria", "Eriksson", new DateOnly(1974, 8, 12), "SWE", "L898902C3", "SWE");

    [Fact]
    public void A_clean_application_passes_every_check_and_auto_approves()
    {
        var assessment = Run(new KycApplication("owner-1", CleanForm, CleanMrz));

        Assert.Equal(KycCheckCodes.All, assessment.Checks.Select(c => c.Code));
        Assert.True(assessment.AllPassed);
        Assert.Equal((0, KycRoute.AutoApprove), (assessment.RiskScore, assessment.Route));
        Assert.Equal(Now, assessment.AssessedAt);
        Assert.Equal(Fingerprinter.Compute("L898902C3", "SWE"), assessment.Fingerprint);
        Assert.Equal(new DocumentSummary("passport", "SWE", new DateOnly(2034, 4, 15)), assessment.Document);
        Assert.Empty(assessment.FailureReasons);
    }

    [Fact]
    public void The_specimen_is_refused_as_such_unless_specimens_are_accepted_and_then_it_is_expired()
    {
        var specimen = new KycApplication("owner-1", CheckTests.Form(), Td3);

        var refused = Run(specimen);
        Assert.Equal(KycRoute.Reject, refused.Route);
        Assert.Equal([KycCheckReasons.SpecimenDocument], refused.FailureReasons);
        Assert.Null(refused.Fingerprint);

        var accepted = Run(specimen, new KycCheckOptions { AcceptSpecimenDocuments = true });
        Assert.Equal(KycRoute.Reject, accepted.Route);
        Assert.Equal([KycCheckReasons.DocumentExpired], accepted.FailureReasons);
    }

    [Fact]
    public void A_corrupted_MRZ_rejects_with_the_problems_and_leaves_the_dependent_checks_unevaluated()
    {
        var assessment = Run(new KycApplication("owner-1", CleanForm, CorruptDigit(CleanMrz, 1, 27)));

        Assert.Equal(KycRoute.Reject, assessment.Route);
        Assert.Equal(100, assessment.RiskScore);
        var integrity = assessment.Checks[0];
        Assert.Equal([MrzProblemCodes.ExpiryDateCheckDigit, MrzProblemCodes.CompositeCheckDigit], integrity.Details);
        Assert.All(assessment.Checks.Where(c => c.Code is KycCheckCodes.DocumentExpiry or KycCheckCodes.MinimumAge or KycCheckCodes.FormConsistency or KycCheckCodes.DuplicateIdentity),
            c => Assert.Equal(KycCheckReasons.MrzUnavailable, c.Reason));

        // Screening still runs on the form's name.
        Assert.True(assessment.Checks.Single(c => c.Code == KycCheckCodes.SanctionsScreening).Passed);
    }

    [Fact]
    public void An_underage_applicant_is_rejected_with_the_configured_minimum()
    {
        var mrz = MrzBuilder.Td3(issuingState: "SWE", nationality: "SWE", birthDate: "080602");
        var form = CleanForm with { BirthDate = new DateOnly(2008, 6, 2) };

        Assert.Equal([KycCheckReasons.Underage], Run(new KycApplication("o", form, mrz)).FailureReasons);
        Assert.True(Run(new KycApplication("o", form, mrz), new KycCheckOptions { MinimumAge = 16 }).AllPassed);
    }

    [Fact]
    public void A_duplicate_identity_is_routed_to_manual_review()
    {
        var fingerprint = Fingerprinter.Compute("L898902C3", "SWE");
        var runner = Runner(new KycCheckOptions());

        var assessment = runner.Run(new KycApplication("owner-2", CleanForm, CleanMrz), fp => fp == fingerprint ? ["owner-1"] : []);

        Assert.Equal(KycRoute.ManualReview, assessment.Route);
        Assert.Equal(["owner-1"], assessment.Checks.Single(c => c.Code == KycCheckCodes.DuplicateIdentity).Details);
    }

    [Fact]
    public void A_sanctions_hit_is_routed_to_manual_review()
    {
        var mrz = MrzBuilder.Td3(issuingState: "SWE", nationality: "SWE", name: "ZHELEZNIAKOV<<VIKTOR<IVANOVICH", birthDate: "610314");
        var form = CleanForm with { GivenNames = "Viktor Ivanovich", FamilyName = "Zhelezniakov", BirthDate = new DateOnly(1961, 3, 14) };

        var assessment = Run(new KycApplication("o", form, mrz));

        Assert.Equal(KycRoute.ManualReview, assessment.Route);
        Assert.Equal([KycCheckReasons.SanctionsMatch], assessment.FailureReasons);
    }

    [Fact]
    public void A_form_that_disagrees_with_the_MRZ_is_routed_to_manual_review()
    {
        var assessment = Run(new KycApplication("o", CleanForm with { BirthDate = new DateOnly(1974, 8, 21) }, CleanMrz));

        Assert.Equal((40, KycRoute.ManualReview), (assessment.RiskScore, assessment.Route));
        Assert.Equal(["birth_date"], assessment.Checks.Single(c => c.Code == KycCheckCodes.FormConsistency).Details);
    }

    [Fact]
    public void Today_comes_from_the_clock()
    {
        var mrz = MrzBuilder.Td3(issuingState: "SWE", nationality: "SWE", expiryDate: "250601");
        var application = new KycApplication("o", CleanForm, mrz);

        Assert.True(Run(application).AllPassed);
        var later = new KycCheckRunner(new KycCheckOptions(), Sample(), Fingerprinter, new FakeTimeProvider(Now.AddDays(1)));
        Assert.Equal([KycCheckReasons.DocumentExpired], later.Run(application, _ => []).FailureReasons);
    }

    [Fact]
    public void The_assessment_holds_neither_the_document_number_nor_the_name()
    {
        var json = JsonSerializer.Serialize(Run(new KycApplication("owner-1", CleanForm with { BirthDate = new DateOnly(1974, 8, 21) }, CleanMrz)));

        Assert.DoesNotContain("L898902C3", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("ERIKSSON", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("1974", json, StringComparison.Ordinal);
    }

    internal static KycAssessment Run(KycApplication application, KycCheckOptions? options = null) =>
        Runner(options ?? new KycCheckOptions()).Run(application, _ => []);

    private static KycCheckRunner Runner(KycCheckOptions options) => new(options, Sample(), Fingerprinter, new FakeTimeProvider(Now));

    private static SanctionsList Sample() => SanctionsListFile.Load(SanctionsListFileTests.SamplePath).List!;
}
