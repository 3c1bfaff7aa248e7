using Platform.Identity.Kyc;

namespace Platform.Identity.Kyc.Tests;

public sealed class SanctionsListFileTests
{
    public static string SamplePath => Path.Combine(AppContext.BaseDirectory, "SampleData", "sanctions-sample.jsonl");

    [Fact]
    public void The_shipped_sample_list_loads()
    {
        var result = SanctionsListFile.Load(SamplePath);

        Assert.True(result.IsSuccess, string.Join("; ", result.Errors));
        Assert.Equal(5, result.List.Entries.Count);

        var first = result.List.Entries[0];
        Assert.Equal(("SMP-0001", "SAMPLE-SANCTIONS", "UTO", false), (first.Id, first.Source, first.Nationality, first.IsPep));
        Assert.Equal(new DateOnly(1961, 3, 14), first.BirthDate);
        Assert.Equal(2, first.Aliases.Count);

        var yearOnly = result.List.Entries[1];
        Assert.Equal((1975, (DateOnly?)null), (yearOnly.BirthYear, yearOnly.BirthDate));
        Assert.True(result.List.Entries[2].IsPep);
        Assert.Null(result.List.Entries[3].BirthYear);
    }

    [Fact]
    public void Comments_blank_lines_and_optional_fields_are_allowed_and_alpha_2_nationalities_canonicalize()
    {
        var result = Parse("# header\n\n   \n{\"id\":\"1\",\"source\":\"S\",\"name\":\"A B\",\"nationality\":\"de\",\"aliases\":null}\n");

        Assert.True(result.IsSuccess);
        var entry = Assert.Single(result.List.Entries);
        Assert.Equal("DEU", entry.Nationality);
        Assert.Empty(entry.Aliases);
        Assert.False(entry.IsPep);
    }

    [Theory]
    [InlineData("{not json", SanctionsListError.InvalidJson)]
    [InlineData("[1,2]", SanctionsListError.InvalidJson)]
    [InlineData("{\"id\":\"1\",\"source\":\"S\"}", SanctionsListError.MissingField)]
    [InlineData("{\"id\":\"1\",\"source\":\"S\",\"name\":\"  \"}", SanctionsListError.MissingField)]
    [InlineData("{\"id\":1,\"source\":\"S\",\"name\":\"A\"}", SanctionsListError.MissingField)]
    [InlineData("{\"id\":\"1\",\"source\":\"S\",\"name\":\"A\",\"alias\":[\"B\"]}", SanctionsListError.UnknownProperty)]
    [InlineData("{\"id\":\"1\",\"source\":\"S\",\"name\":\"A\",\"aliases\":\"B\"}", SanctionsListError.InvalidField)]
    [InlineData("{\"id\":\"1\",\"source\":\"S\",\"name\":\"A\",\"birth_date\":\"14.03.1961\"}", SanctionsListError.InvalidField)]
    [InlineData("{\"id\":\"1\",\"source\":\"S\",\"name\":\"A\",\"birth_date\":\"1961-02-30\"}", SanctionsListError.InvalidField)]
    [InlineData("{\"id\":\"1\",\"source\":\"S\",\"name\":\"A\",\"nationality\":\"Utopia\"}", SanctionsListError.InvalidField)]
    [InlineData("{\"id\":\"1\",\"source\":\"S\",\"name\":\"A\",\"pep\":\"yes\"}", SanctionsListError.InvalidField)]
    public void A_bad_line_refuses_the_whole_list_with_its_line_number(string line, string code)
    {
        var result = Parse("{\"id\":\"0\",\"source\":\"S\",\"name\":\"Fine Person\"}\n# comment\n" + line);

        Assert.False(result.IsSuccess);
        Assert.Null(result.List);
        var error = Assert.Single(result.Errors);
        Assert.Equal((3, code), (error.Line, error.Code));
    }

    [Fact]
    public void Duplicate_ids_are_refused()
    {
        var result = Parse("{\"id\":\"X\",\"source\":\"S\",\"name\":\"A\"}\n{\"id\":\"X\",\"source\":\"S\",\"name\":\"B\"}");

        Assert.Equal((2, SanctionsListError.DuplicateId), (result.Errors[0].Line, result.Errors[0].Code));
    }

    [Fact]
    public void Every_error_of_a_file_is_reported()
    {
        var result = Parse("{\n{\"id\":\"1\"}\n{\"id\":\"2\",\"source\":\"S\",\"name\":\"A\",\"extra\":1}");

        Assert.Equal([1, 2, 2, 3], result.Errors.Select(e => e.Line));
    }

    private static SanctionsListParseResult Parse(string text)
    {
        using var reader = new StringReader(text);
        return SanctionsListFile.Parse(reader);
    }
}
