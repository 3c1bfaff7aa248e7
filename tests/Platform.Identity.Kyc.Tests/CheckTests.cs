using Platform.Identity.Kyc;
using static Platform.Identity.Kyc.Tests.Specimens;

namespace Platform.Identity.Kyc.Tests;

public sealed class CheckTests
{
    private static readonly RiskWeights Weights = new();

    [Fact]
    public void MRZ_integrity_fails_with_the_problem_codes_and_refuses_specimens_unless_accepted()
    {
        var broken = MrzIntegrityCheck.Evaluate(Parse(CorruptDigit(Td3, 1, 19)), acceptSpecimen: true, Weights);
        Assert.Equal((false, KycCheckReasons.MrzInvalid, 100), (broken.Passed, broken.Reason, broken.ScoreContribution));
        Assert.Equal([MrzProblemCodes.BirthDateCheckDigit, MrzProblemCodes.CompositeCheckDigit], broken.Details);

        Assert.Equal(KycCheckReasons.SpecimenDocument, MrzIntegrityCheck.Evaluate(Parse(Td3), acceptSpecimen: false, Weights).Reason);
        Assert.True(MrzIntegrityCheck.Evaluate(Parse(Td3), acceptSpecimen: true, Weights).Passed);
        Assert.True(MrzIntegrityCheck.Evaluate(Parse(MrzBuilder.Td3(issuingState: "SWE", nationality: "SWE")), acceptSpecimen: false, Weights).Passed);
    }

    [Fact]
    public void A_document_is_valid_through_its_expiry_date()
    {
        var document = Document(MrzBuilder.Td3(expiryDate: "250601"));

        Assert.True(DocumentExpiryCheck.Evaluate(document, new DateOnly(2025, 6, 1), Weights).Passed);
        var expired = DocumentExpiryCheck.Evaluate(document, new DateOnly(2025, 6, 2), Weights);
        Assert.Equal((false, KycCheckReasons.DocumentExpired, Weights.DocumentExpired), (expired.Passed, expired.Reason, expired.ScoreContribution));
        Assert.Equal(KycCheckReasons.DocumentExpired, DocumentExpiryCheck.Evaluate(Document(Td3), Today, Weights).Reason);
    }

    [Fact]
    public void Age_counts_completed_years_on_the_day_of_the_check()
    {
        var document = Document(MrzBuilder.Td3(birthDate: "070601"));

        Assert.True(MinimumAgeCheck.Evaluate(document, new DateOnly(2025, 6, 1), 18, Weights).Passed);
        var young = MinimumAgeCheck.Evaluate(document, new DateOnly(2025, 5, 31), 18, Weights);
        Assert.Equal((false, KycCheckReasons.Underage), (young.Passed, young.Reason));
        Assert.False(MinimumAgeCheck.Evaluate(document, new DateOnly(2025, 6, 1), 21, Weights).Passed);
        Assert.True(MinimumAgeCheck.Evaluate(document, new DateOnly(2025, 6, 1), 0, Weights).Passed);
    }

    [Fact]
    public void A_leap_day_birthday_is_reached_on_the_28th_of_February_in_common_years()
    {
        Assert.Equal(17, MinimumAgeCheck.AgeOn(new DateOnly(2008, 2, 29), new DateOnly(2026, 2, 27)));
        Assert.Equal(18, MinimumAgeCheck.AgeOn(new DateOnly(2008, 2, 29), new DateOnly(2026, 2, 28)));
        Assert.Equal(16, MinimumAgeCheck.AgeOn(new DateOnly(2008, 2, 29), new DateOnly(2024, 2, 29)));
    }

    [Fact]
    public void Checks_that_need_a_valid_MRZ_are_not_evaluated_without_one_and_add_no_points()
    {
        CheckResult[] results =
        [
            DocumentExpiryCheck.Evaluate(null, Today, Weights),
            MinimumAgeCheck.Evaluate(null, Today, 18, Weights),
            FormConsistencyCheck.Evaluate(Form(), null, Weights),
            DuplicateIdentityCheck.Evaluate(null, [], "owner", Weights),
        ];

        Assert.All(results, r => Assert.Equal((false, KycCheckReasons.MrzUnavailable, 0), (r.Passed, r.Reason, r.ScoreContribution)));
    }

    [Fact]
    public void The_form_matches_the_specimen_regardless_of_case_and_spacing()
    {
        Assert.True(FormConsistencyCheck.Evaluate(Form(), Document(Td3), Weights).Passed);
        Assert.True(FormConsistencyCheck.Evaluate(Form(given: "anna  maria", family: "ERIKSSON", documentNumber: "l898 902-c3", issuing: "UTO"), Document(Td3), Weights).Passed);
    }

    [Theory]
    [InlineData("MUELLER<LUEDENSCHEIDT<<HANS<JUERGEN")]
    [InlineData("MULLER<LUDENSCHEIDT<<HANS<JURGEN")]
    public void Names_agree_in_either_transliteration(string mrzName)
    {
        var document = Document(MrzBuilder.Td3(issuingState: "D", nationality: "D", name: mrzName));
        var form = new KycFormData("Hans-Jürgen", "Müller-Lüdenscheidt", new DateOnly(1974, 8, 12), "DE", "L898902C3", "DEU");

        Assert.True(FormConsistencyCheck.Evaluate(form, document, Weights).Passed);
    }

    [Fact]
    public void A_truncated_MRZ_name_only_has_to_be_a_prefix()
    {
        var document = Document(MrzBuilder.Td3(name: "VANDERWOUDENBERGHE<<JOHANNA<CHRISTINA<M"));
        var form = Form(given: "Johanna Christina Maria", family: "Vanderwoudenberghe");

        Assert.True(document.NameMayBeTruncated);
        Assert.True(FormConsistencyCheck.Evaluate(form, document, Weights).Passed);
        Assert.False(FormConsistencyCheck.NamesAgree("Johanna Christina Maria", "JOHANNA CHRISTINA M", mrzMayBeTruncated: false));
    }

    [Fact]
    public void Mismatches_name_the_fields_but_never_their_values()
    {
        var form = new KycFormData("Anna", "Erikson", new DateOnly(1974, 8, 13), "SWE", "L898902C4", "SWE");

        var result = FormConsistencyCheck.Evaluate(form, Document(Td3), Weights);

        Assert.Equal((false, KycCheckReasons.FormMismatch, Weights.FormMismatch), (result.Passed, result.Reason, result.ScoreContribution));
        Assert.Equal(["family_name", "given_names", "birth_date", "nationality", "document_number", "issuing_country"], result.Details);
    }

    [Fact]
    public void A_missing_issuing_country_on_the_form_is_not_a_mismatch()
    {
        Assert.True(FormConsistencyCheck.Evaluate(Form(issuing: null), Document(Td3), Weights).Passed);
    }

    [Fact]
    public void Screening_records_sanctions_and_PEP_hits_separately_with_list_ids()
    {
        var list = SanctionsListFile.Load(SanctionsListFileTests.SamplePath).List!;
        var sanctioned = new KycFormData("Viktor", "Zhelezniakov", new DateOnly(1961, 3, 14), "UTO", "X1");
        var (sanctions, pep) = ScreeningCheck.Evaluate(sanctioned, null, list, new ScreeningOptions(), Weights);

        Assert.Equal((false, KycCheckReasons.SanctionsMatch, Weights.SanctionsMatch), (sanctions.Passed, sanctions.Reason, sanctions.ScoreContribution));
        Assert.StartsWith("SAMPLE-SANCTIONS/SMP-0001 0.9", Assert.Single(sanctions.Details), StringComparison.Ordinal);
        Assert.True(pep.Passed);

        var exposed = new KycFormData("Maximilian", "Oberholzer", new DateOnly(1958, 11, 2), "UTO", "X1");
        var (clear, pepHit) = ScreeningCheck.Evaluate(exposed, null, list, new ScreeningOptions(), Weights);
        Assert.True(clear.Passed);
        Assert.Equal((KycCheckReasons.PepMatch, Weights.PepMatch), (pepHit.Reason, pepHit.ScoreContribution));
    }

    [Fact]
    public void The_MRZ_name_is_screened_too()
    {
        var list = new SanctionsList([new SanctionsListEntry("E", "T", "Anna Maria Eriksson", [], null, null, null, false)]);
        var form = Form(given: "Jane", family: "Doe");

        Assert.True(ScreeningCheck.Evaluate(form, null, list, new ScreeningOptions(), Weights).Sanctions.Passed);
        Assert.False(ScreeningCheck.Evaluate(form, Document(Td3), list, new ScreeningOptions(), Weights).Sanctions.Passed);
    }

    [Fact]
    public void A_duplicate_lists_the_other_accounts_and_the_applicants_own_earlier_case_is_none()
    {
        var fingerprint = new IdentityFingerprint(new string('a', 64));

        Assert.True(DuplicateIdentityCheck.Evaluate(fingerprint, [], "me", Weights).Passed);
        Assert.True(DuplicateIdentityCheck.Evaluate(fingerprint, ["me"], "me", Weights).Passed);

        var duplicate = DuplicateIdentityCheck.Evaluate(fingerprint, ["me", "user-9", "user-2", "user-9"], "me", Weights);
        Assert.Equal((false, KycCheckReasons.DuplicateIdentity, Weights.DuplicateIdentity), (duplicate.Passed, duplicate.Reason, duplicate.ScoreContribution));
        Assert.Equal(["user-2", "user-9"], duplicate.Details);
    }

    [Fact]
    public void Forms_and_applications_do_not_print_personal_data()
    {
        var application = new KycApplication("owner-1", Form(), Td3);

        Assert.DoesNotContain("Eriksson", application.Form.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("L898902C3", application.ToString(), StringComparison.Ordinal);
    }

    internal static KycFormData Form(string given = "Anna Maria", string family = "Eriksson", string documentNumber = "L898902C3", string? issuing = "UTO") =>
        new(given, family, new DateOnly(1974, 8, 12), "UTO", documentNumber, issuing);
}
