using Platform.Identity.Kyc;
using static Platform.Identity.Kyc.Tests.Specimens;

namespace Platform.Identity.Kyc.Tests;

public sealed class MrzParserTd1Tests
{
    [Fact]
    public void The_ICAO_TD1_specimen_identity_card_parses_with_every_field()
    {
        var document = Document(Td1);

        Assert.Equal(MrzFormat.Td1, document.Format);
        Assert.Equal("I", document.DocumentCode);
        Assert.Equal("UTO", document.IssuingState);
        Assert.Equal("D23145890", document.DocumentNumber);
        Assert.Equal(new DateOnly(1974, 8, 12), document.BirthDate);
        Assert.Equal(MrzSex.Female, document.Sex);
        Assert.Equal(new DateOnly(2012, 4, 15), document.ExpiryDate);
        Assert.Equal("UTO", document.Nationality);
        Assert.Equal("ERIKSSON", document.PrimaryIdentifier);
        Assert.Equal("ANNA MARIA", document.SecondaryIdentifier);
        Assert.Equal((string.Empty, string.Empty), (document.OptionalData, document.OptionalData2));
    }

    [Theory]
    [InlineData(0, 14, MrzProblemCodes.DocumentNumberCheckDigit)]
    [InlineData(1, 6, MrzProblemCodes.BirthDateCheckDigit)]
    [InlineData(1, 14, MrzProblemCodes.ExpiryDateCheckDigit)]
    [InlineData(1, 29, MrzProblemCodes.CompositeCheckDigit)]
    public void Each_corrupted_check_digit_is_detected_at_its_position(int line, int position, string code)
    {
        var result = Parse(CorruptDigit(Td1, line, position));

        var problem = Assert.Single(result.Problems, p => p.Code == code);
        Assert.Equal((line + 1, position + 1), (problem.Line, problem.Position));
        Assert.All(result.Problems, p => Assert.Contains(p.Code, new[] { code, MrzProblemCodes.CompositeCheckDigit }));
    }

    [Fact]
    public void Optional_data_is_covered_by_the_composite_check_digit_only()
    {
        // 'B' (11) rather than 'A' (10): at a weight-1 position 'A' adds 10 and leaves the digit unchanged.
        var result = Parse(Replace(Td1, 1, 20, 'B'));

        Assert.Equal(MrzProblemCodes.CompositeCheckDigit, Assert.Single(result.Problems).Code);
    }

    [Fact]
    public void The_German_identity_card_specimen_parses_with_D_fillers()
    {
        // BSI specimen "Erika Mustermann" (2010 card): the nationality field is D<< and sex is a filler.
        var document = Document("IDD<<T220001293<<<<<<<<<<<<<<<\n6408125<2010315D<<<<<<<<<<<<<4\nMUSTERMANN<<ERIKA<<<<<<<<<<<<<");

        Assert.Equal(("ID", "D", "D"), (document.DocumentCode, document.IssuingState, document.Nationality));
        Assert.Equal("T22000129", document.DocumentNumber);
        Assert.Equal(MrzSex.Unspecified, document.Sex);
        Assert.Equal(new DateOnly(1964, 8, 12), document.BirthDate);
        Assert.Equal(new DateOnly(2020, 10, 31), document.ExpiryDate);
        Assert.Equal("DEU", document.NationalityCode);
    }

    [Fact]
    public void Document_numbers_longer_than_nine_characters_continue_in_the_optional_data()
    {
        var mrz = MrzBuilder.Td1(documentNumber: "D23145890123");
        var line1 = mrz.Split('\n')[0];
        Assert.StartsWith("I<UTOD23145890<123", line1, StringComparison.Ordinal);
        Assert.True(char.IsDigit(line1[18]) && line1[19] == '<');

        var document = Document(mrz);
        Assert.Equal("D23145890123", document.DocumentNumber);
        Assert.Equal(string.Empty, document.OptionalData);

        var broken = Parse(CorruptDigit(mrz, 0, 18));
        Assert.Contains(broken.Problems, p => p.Code == MrzProblemCodes.DocumentNumberCheckDigit && p.Position == 19);
    }

    [Theory]
    [InlineData("P<")]
    [InlineData("V<")]
    public void TD1_documents_start_with_I_A_or_C(string code)
    {
        Assert.True(Parse(MrzBuilder.Td1(documentCode: code)).Has(MrzProblemCodes.DocumentCodeUnsupported));
        Assert.True(Parse(MrzBuilder.Td1(documentCode: "AR")).IsValid);
        Assert.True(Parse(MrzBuilder.Td1(documentCode: "C<")).IsValid);
    }

    [Fact]
    public void Lines_of_mixed_length_are_a_format_problem()
    {
        var result = Parse(Td1Line1 + "\n" + Td1Line2 + "\n" + Td1Line3 + "<<");
        Assert.Equal(MrzProblemCodes.Format, Assert.Single(result.Problems).Code);
    }
}
