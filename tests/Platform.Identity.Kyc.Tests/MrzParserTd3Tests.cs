using Platform.Identity.Kyc;
using static Platform.Identity.Kyc.Tests.Specimens;

namespace Platform.Identity.Kyc.Tests;

public sealed class MrzParserTd3Tests
{
    [Fact]
    public void The_ICAO_TD3_specimen_passport_parses_with_every_field()
    {
        var document = Document(Td3);

        Assert.Equal(MrzFormat.Td3, document.Format);
        Assert.Equal("P", document.DocumentCode);
        Assert.Equal("UTO", document.IssuingState);
        Assert.Equal("L898902C3", document.DocumentNumber);
        Assert.Equal("UTO", document.Nationality);
        Assert.Equal(new DateOnly(1974, 8, 12), document.BirthDate);
        Assert.Equal(MrzSex.Female, document.Sex);
        Assert.Equal(new DateOnly(2012, 4, 15), document.ExpiryDate);
        Assert.Equal("ZE184226B", document.OptionalData);
        Assert.Equal("ERIKSSON", document.PrimaryIdentifier);
        Assert.Equal("ANNA MARIA", document.SecondaryIdentifier);
        Assert.False(document.NameMayBeTruncated);
        Assert.True(document.IsSpecimen);
    }

    [Theory]
    [InlineData(9, MrzProblemCodes.DocumentNumberCheckDigit)]
    [InlineData(19, MrzProblemCodes.BirthDateCheckDigit)]
    [InlineData(27, MrzProblemCodes.ExpiryDateCheckDigit)]
    [InlineData(42, MrzProblemCodes.OptionalDataCheckDigit)]
    [InlineData(43, MrzProblemCodes.CompositeCheckDigit)]
    public void Each_corrupted_check_digit_is_detected_at_its_position(int position, string code)
    {
        var result = Parse(CorruptDigit(Td3, 1, position));

        Assert.False(result.IsValid);
        var problem = Assert.Single(result.Problems, p => p.Code == code);
        Assert.Equal((2, position + 1), (problem.Line, problem.Position));

        // The composite covers the other check digits too, so a corrupted field digit also breaks it; nothing else does.
        Assert.All(result.Problems, p => Assert.Contains(p.Code, new[] { code, MrzProblemCodes.CompositeCheckDigit }));
    }

    [Fact]
    public void A_changed_data_character_is_caught_by_its_field_and_the_composite_check_digit()
    {
        var result = Parse(Replace(Td3, 1, 3, '9')); // L898902C3 → L899902C3

        Assert.True(result.Has(MrzProblemCodes.DocumentNumberCheckDigit));
        Assert.True(result.Has(MrzProblemCodes.CompositeCheckDigit));
        Assert.Null(result.Document);
    }

    [Fact]
    public void A_changed_sex_is_only_caught_as_an_invalid_value_because_no_check_digit_covers_it()
    {
        Assert.True(Parse(Replace(Td3, 1, 20, 'M')).IsValid);
        Assert.True(Parse(Replace(Td3, 1, 20, 'Q')).Has(MrzProblemCodes.SexInvalid));
    }

    [Theory]
    [InlineData('M', MrzSex.Male)]
    [InlineData('F', MrzSex.Female)]
    [InlineData('X', MrzSex.Unspecified)]
    [InlineData('<', MrzSex.Unspecified)]
    public void Sex_accepts_M_F_X_and_filler(char sex, MrzSex expected) =>
        Assert.Equal(expected, Document(MrzBuilder.Td3(sex: sex)).Sex);

    [Fact]
    public void Germany_is_D_with_fillers_and_compares_as_DEU()
    {
        var document = Document(MrzBuilder.Td3(issuingState: "D", nationality: "D", name: "MUELLER<LUEDENSCHEIDT<<HANS<JUERGEN"));

        Assert.Equal(("D", "D"), (document.IssuingState, document.Nationality));
        Assert.Equal(("DEU", "DEU"), (document.IssuingStateCode, document.NationalityCode));
        Assert.Equal("MUELLER LUEDENSCHEIDT", document.PrimaryIdentifier);
        Assert.Equal("HANS JUERGEN", document.SecondaryIdentifier);
        Assert.False(document.IsSpecimen);
    }

    [Theory]
    [InlineData("ZZZ", MrzProblemCodes.IssuingStateUnknown)]
    [InlineData("U<O", MrzProblemCodes.IssuingStateUnknown)]
    [InlineData("<<<", MrzProblemCodes.IssuingStateUnknown)]
    public void Unknown_issuing_states_are_refused(string state, string code) =>
        Assert.True(Parse(MrzBuilder.Td3(issuingState: state)).Has(code));

    [Fact]
    public void Unknown_nationalities_are_refused_and_ICAO_codes_like_stateless_are_accepted()
    {
        Assert.True(Parse(MrzBuilder.Td3(nationality: "QQQ")).Has(MrzProblemCodes.NationalityUnknown));
        Assert.Equal("XXA", Document(MrzBuilder.Td3(nationality: "XXA")).Nationality);
        Assert.Equal("GBD", Document(MrzBuilder.Td3(nationality: "GBD")).Nationality);
    }

    [Theory]
    [InlineData("741312", MrzProblemCodes.BirthDateInvalid)]
    [InlineData("740832", MrzProblemCodes.BirthDateInvalid)]
    [InlineData("7408<<", MrzProblemCodes.BirthDateUnknown)]
    [InlineData("7A0812", MrzProblemCodes.BirthDateInvalid)]
    public void Malformed_birth_dates_are_refused_even_with_matching_check_digits(string birthDate, string code) =>
        Assert.True(Parse(MrzBuilder.Td3(birthDate: birthDate)).Has(code));

    [Theory]
    [InlineData("340231")]
    [InlineData("341301")]
    [InlineData("3404<5")]
    public void Malformed_expiry_dates_are_refused(string expiryDate) =>
        Assert.True(Parse(MrzBuilder.Td3(expiryDate: expiryDate)).Has(MrzProblemCodes.ExpiryDateInvalid));

    [Fact]
    public void An_unused_personal_number_may_have_a_filler_or_zero_check_digit()
    {
        var withFiller = MrzBuilder.Td3(personalNumber: "");
        Assert.Equal('<', withFiller.Split('\n')[1][42]);
        Assert.True(Parse(withFiller).IsValid);
        Assert.Equal(string.Empty, Document(withFiller).OptionalData);

        // Zero is just as valid (the composite check digit is recomputed for it).
        var lines = withFiller.Split('\n');
        var line2 = lines[1][..42] + "0";
        var composite = line2[..10] + line2[13..20] + line2[21..43];
        Assert.True(Parse(lines[0] + "\n" + line2 + MrzCheckDigit.Compute(composite)).IsValid);
    }

    [Fact]
    public void A_used_personal_number_needs_its_check_digit()
    {
        var mrz = Replace(MrzBuilder.Td3(personalNumber: "ZE184226B"), 1, 42, '<');
        Assert.True(Parse(mrz).Has(MrzProblemCodes.OptionalDataCheckDigit));
    }

    [Fact]
    public void Document_numbers_are_trimmed_of_fillers_but_may_not_contain_them_inside()
    {
        Assert.Equal("AB123", Document(MrzBuilder.Td3(documentNumber: "AB123")).DocumentNumber);
        Assert.True(Parse(MrzBuilder.Td3(documentNumber: "AB<123")).Has(MrzProblemCodes.DocumentNumberInvalid));
        Assert.True(Parse(MrzBuilder.Td3(documentNumber: "")).Has(MrzProblemCodes.DocumentNumberInvalid));
    }

    [Theory]
    [InlineData("V<")]
    [InlineData("I<")]
    [InlineData("1<")]
    public void TD3_documents_other_than_passports_are_unsupported(string code) =>
        Assert.True(Parse(MrzBuilder.Td3(documentCode: code)).Has(MrzProblemCodes.DocumentCodeUnsupported));

    [Fact]
    public void Passport_subtypes_keep_their_second_letter()
    {
        Assert.Equal("PD", Document(MrzBuilder.Td3(documentCode: "PD")).DocumentCode);
    }

    [Fact]
    public void Names_are_split_at_the_double_filler_and_a_full_field_may_be_truncated()
    {
        var single = Document(MrzBuilder.Td3(name: "ERIKSSON"));
        Assert.Equal(("ERIKSSON", string.Empty), (single.PrimaryIdentifier, single.SecondaryIdentifier));

        var full = Document(MrzBuilder.Td3(name: "VANDERWOUDENBERGHE<<JOHANNA<CHRISTINA<M"));
        Assert.True(full.NameMayBeTruncated);
        Assert.Equal("JOHANNA CHRISTINA M", full.SecondaryIdentifier);
    }

    [Theory]
    [InlineData("ERIKSSON<<ANNA2", MrzProblemCodes.NameInvalid)]
    [InlineData("<<ANNA", MrzProblemCodes.NameMissing)]
    [InlineData("", MrzProblemCodes.NameMissing)]
    public void Bad_names_are_refused(string name, string code) =>
        Assert.True(Parse(MrzBuilder.Td3(name: name)).Has(code));

    [Fact]
    public void Characters_outside_the_set_are_reported_with_their_position()
    {
        var result = Parse(Td3Line1.Replace("ERIKSSON", "Eriksson", StringComparison.Ordinal) + "\n" + Td3Line2);

        Assert.Equal(7, result.Problems.Count);
        Assert.All(result.Problems, p => Assert.Equal(MrzProblemCodes.Charset, p.Code));
        Assert.Equal((1, 7), (result.Problems[0].Line, result.Problems[0].Position));
    }

    [Theory]
    [InlineData(Td3Line1)]
    [InlineData(Td3Line1 + "\n" + Td3Line2 + "<")]
    [InlineData(Td3Line1 + "\n" + Td3Line2 + "\n" + Td3Line2)]
    [InlineData("")]
    public void Wrong_shapes_are_refused_as_format_problems(string mrz)
    {
        var problem = Assert.Single(Parse(mrz).Problems);
        Assert.Equal(MrzProblemCodes.Format, problem.Code);
    }

    [Fact]
    public void Line_breaks_and_surrounding_whitespace_of_captured_text_are_ignored()
    {
        Assert.True(Parse("  " + Td3Line1 + " \r\n\r\n" + Td3Line2 + "\r\n").IsValid);
        Assert.True(MrzParser.Parse([Td3Line1, Td3Line2], Today).IsValid);
    }

    [Fact]
    public void All_problems_are_reported_at_once()
    {
        var mrz = Replace(Replace(MrzBuilder.Td3(issuingState: "ZZZ"), 1, 20, 'Q'), 1, 19, '0');
        var codes = Parse(mrz).Problems.Select(p => p.Code).ToHashSet();

        Assert.Superset(new HashSet<string> { MrzProblemCodes.IssuingStateUnknown, MrzProblemCodes.SexInvalid, MrzProblemCodes.BirthDateCheckDigit }, codes);
    }

    [Fact]
    public void Neither_the_document_nor_a_problem_prints_personal_data()
    {
        var document = Document(Td3);
        var problems = Parse(CorruptDigit(Td3, 1, 9)).Problems;

        foreach (var text in problems.Select(p => p.ToString()).Append(document.ToString()))
        {
            Assert.DoesNotContain("L898902C3", text, StringComparison.Ordinal);
            Assert.DoesNotContain("ERIKSSON", text, StringComparison.Ordinal);
            Assert.DoesNotContain("740812", text, StringComparison.Ordinal);
        }
    }
}
