using System.Text;
using Platform.Contracts.CodeLists;
using Platform.RecordVault.Core;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Tests;

public sealed class FhirRecordValidatorTests
{
    private static readonly FhirRecordValidator Validator = new();

    private const string Observation = """
        {"resourceType":"Observation","id":"bp-1","status":"final",
         "code":{"coding":[{"system":"http://loinc.org","code":"85354-9","display":"Blood pressure panel"}]},
         "subject":{"reference":"Patient/p-42"},"effectiveDateTime":"2025-03-01T10:00:00Z",
         "component":[{"code":{"coding":[{"system":"http://loinc.org","code":"8480-6"}]},
                       "valueQuantity":{"value":120,"unit":"mmHg","system":"http://unitsofmeasure.org","code":"mm[Hg]"}}]}
        """;

    private const string Condition = """
        {"resourceType":"Condition","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},
         "code":{"text":"Type 2 diabetes"},"subject":{"reference":"Patient/p-42"}}
        """;

    private static string Labelled(string resource, params string[] codes)
    {
        var security = string.Join(",", codes.Select(c => $$"""{"system":"{{RecordCategories.ActCodeSystem}}","code":"{{c}}"}"""));
        return resource.Replace("{\"resourceType\":\"Observation\",", $$"""{"resourceType":"Observation","meta":{"security":[{{security}}]},""", StringComparison.Ordinal);
    }

    [Fact]
    public void A_valid_observation_is_accepted_as_observation()
    {
        var result = Validator.Validate(Observation);

        Assert.True(result.IsValid, string.Join("; ", result.Problems.Select(p => p.Message)));
        Assert.Equal("Observation", result.ResourceType);
        Assert.Equal(RecordCategories.Observation, result.Category!.Code);
        Assert.Equal("bp-1", Assert.IsType<R4.Observation>(result.Resource).Id);
    }

    [Fact]
    public void A_valid_condition_is_accepted_as_condition_from_utf8_bytes_with_a_bom()
    {
        var result = Validator.Validate([.. "\uFEFF"u8, .. Encoding.UTF8.GetBytes(Condition)]);

        Assert.True(result.IsValid, string.Join("; ", result.Problems.Select(p => p.Message)));
        Assert.Equal(("Condition", RecordCategories.Condition), (result.ResourceType, result.Category!.Code));
    }

    [Fact]
    public void Other_resource_types_map_through_the_code_list()
    {
        var result = Validator.Validate("""
            {"resourceType":"MedicationRequest","status":"active","intent":"order",
             "medicationCodeableConcept":{"text":"metformin 500 mg"},"subject":{"reference":"Patient/p-42"}}
            """);

        Assert.True(result.IsValid, string.Join("; ", result.Problems.Select(p => p.Message)));
        Assert.Equal(RecordCategories.Medication, result.Category!.Code);
    }

    [Theory]
    [InlineData("MH", RecordCategories.MentalHealth)]
    [InlineData("SEX", RecordCategories.SexualHealth)]
    [InlineData("GDIS", RecordCategories.Genetic)]
    [InlineData("ETH", RecordCategories.SubstanceUse)]
    public void A_sensitivity_label_overrides_the_resource_type_category(string actCode, string expected)
    {
        var result = Validator.Validate(Labelled(Observation, actCode));

        Assert.True(result.IsValid, string.Join("; ", result.Problems.Select(p => p.Message)));
        Assert.Equal(expected, result.Category!.Code);
        Assert.True(result.Category.IsSensitive);
    }

    [Theory]
    [InlineData("PSY", RecordCategories.MentalHealth)]
    [InlineData("PSYTHPN", RecordCategories.MentalHealth)]
    [InlineData("BH", RecordCategories.MentalHealth)]
    [InlineData("EMOTDIS", RecordCategories.MentalHealth)]
    [InlineData("HIV", RecordCategories.SexualHealth)]
    [InlineData("STD", RecordCategories.SexualHealth)]
    [InlineData("PREGNANT", RecordCategories.SexualHealth)]
    [InlineData("SCA", RecordCategories.Genetic)]
    [InlineData("SICKLE", RecordCategories.Genetic)]
    [InlineData("SUD", RecordCategories.SubstanceUse)]
    [InlineData("ETHUD", RecordCategories.SubstanceUse)]
    [InlineData("OPIOIDUD", RecordCategories.SubstanceUse)]
    [InlineData("42CFRPart2", RecordCategories.SubstanceUse)]
    public void Hl7_sensitivity_codes_outside_the_code_list_map_to_the_sensitive_category_that_protects_them(string actCode, string expected)
    {
        var result = Validator.Validate(Labelled(Observation, actCode));

        Assert.True(result.IsValid, string.Join("; ", result.Problems.Select(p => p.Message)));
        Assert.Equal(expected, result.Category!.Code);
        Assert.True(result.Category.IsSensitive);
    }

    [Theory]
    [InlineData("SDV")]
    [InlineData("MST")]
    [InlineData("COGN")]
    [InlineData("DVD")]
    [InlineData("TBOO")]
    [InlineData("SPI")]
    [InlineData("IDS")]
    [InlineData("NORDSCLCD")]
    [InlineData("hiv")]
    [InlineData("ANYTHING")]
    public void An_ActCode_label_that_maps_to_no_category_is_refused_rather_than_dropped(string actCode)
    {
        var result = Validator.Validate(Labelled(Observation, actCode));

        Assert.False(result.IsValid);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(FhirProblemCodes.UnsupportedSensitivityLabel, problem.Code);
        Assert.Contains(actCode, problem.Message, StringComparison.Ordinal);
        Assert.Null(result.Category);
        // Next to a label it does map, the unknown one still refuses the resource.
        Assert.Equal(FhirProblemCodes.UnsupportedSensitivityLabel, Assert.Single(Validator.Validate(Labelled(Observation, "MH", actCode)).Problems).Code);
    }

    [Fact]
    public void Two_hl7_codes_of_one_category_agree_and_of_two_categories_conflict()
    {
        Assert.Equal(RecordCategories.MentalHealth, Validator.Validate(Labelled(Observation, "MH", "PSY", "PSYTHPN")).Category!.Code);
        Assert.Equal(FhirProblemCodes.ConflictingSensitivityLabels, Assert.Single(Validator.Validate(Labelled(Observation, "HIV", "SUD")).Problems).Code);
    }

    [Fact]
    public void Every_mapped_code_names_a_sensitive_category_of_the_code_list()
    {
        Assert.NotEmpty(ActCodeSensitivities.All);
        foreach (var (code, category) in ActCodeSensitivities.All)
        {
            Assert.True(RecordCategories.TryGet(category, out var known), $"{code} -> {category}");
            Assert.True(known.IsSensitive, $"{code} -> {category}");
        }
        // The code list's own codes are among them.
        foreach (var sensitive in RecordCategories.All.Where(c => c.IsSensitive))
        {
            Assert.Equal(sensitive.Code, ActCodeSensitivities.All[sensitive.FhirCodes[0]]);
        }
    }

    [Fact]
    public void Labels_of_other_systems_or_codes_do_not_change_the_category_and_a_label_without_system_does()
    {
        var otherSystem = Observation.Replace("{\"resourceType\":\"Observation\",",
            """{"resourceType":"Observation","meta":{"security":[{"system":"http://example.org/labels","code":"MH"},{"system":"http://terminology.hl7.org/CodeSystem/v3-Confidentiality","code":"R"}]},""",
            StringComparison.Ordinal);
        var noSystem = Observation.Replace("{\"resourceType\":\"Observation\",", """{"resourceType":"Observation","meta":{"security":[{"code":"MH"}]},""",
            StringComparison.Ordinal);

        Assert.Equal(RecordCategories.Observation, Validator.Validate(otherSystem).Category!.Code);
        Assert.Equal(RecordCategories.MentalHealth, Validator.Validate(noSystem).Category!.Code);
    }

    [Fact]
    public void A_label_on_a_contained_resource_counts_and_two_sensitive_labels_conflict()
    {
        var contained = Observation.Replace("\"status\":\"final\",",
            """
            "status":"final","contained":[{"resourceType":"Condition","id":"c1","meta":{"security":[{"code":"ETH"}]},"code":{"text":"x"},"subject":{"reference":"Patient/p-42"}}],
            """,
            StringComparison.Ordinal);

        Assert.Equal(RecordCategories.SubstanceUse, Validator.Validate(contained).Category!.Code);
        var conflict = Validator.Validate(Labelled(Observation, "MH", "ETH"));
        Assert.Equal(FhirProblemCodes.ConflictingSensitivityLabels, Assert.Single(conflict.Problems).Code);
        Assert.Null(conflict.Category);
        Assert.True(Validator.Validate(Labelled(Observation, "MH", "MH")).IsValid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("{\"resourceType\":\"Observation\",\"status\":\"final\",")]
    [InlineData("[{\"resourceType\":\"Observation\"}]")]
    [InlineData("\"Observation\"")]
    [InlineData("{\"resourceType\":\"Observation\"} {}")]
    [InlineData("{\"resourceType\":\"Observation\", /* comment */ \"status\":\"final\"}")]
    [InlineData("{\"resourceType\":\"Observation\",\"status\":\"final\",}")]
    [InlineData("<Observation xmlns=\"http://hl7.org/fhir\"/>")]
    public void Malformed_json_is_refused(string body)
    {
        var result = Validator.Validate(body);

        Assert.False(result.IsValid);
        Assert.Equal(FhirProblemCodes.MalformedJson, Assert.Single(result.Problems).Code);
    }

    [Theory]
    [InlineData("""{"resourceType":"Frobnicate","status":"final"}""")]
    [InlineData("""{"resourceType":"observation","status":"final","code":{"text":"x"}}""")]
    [InlineData("""{"resourceType":"Resource"}""")]
    [InlineData("""{"resourceType":"DomainResource"}""")]
    [InlineData("""{"resourceType":"CodeableConcept","text":"x"}""")]
    [InlineData("""{"resourceType":42}""")]
    [InlineData("""{"status":"final","code":{"text":"x"}}""")]
    public void Unknown_resource_types_are_refused(string body)
    {
        var result = Validator.Validate(body);

        Assert.Equal(FhirProblemCodes.UnknownResourceType, Assert.Single(result.Problems).Code);
        Assert.Null(result.Category);
    }

    [Theory]
    [InlineData("""{"resourceType":"Observation","code":{"text":"x"}}""", "Observation.status")] // status is 1..1
    [InlineData("""{"resourceType":"Observation","status":"bogus","code":{"text":"x"}}""", "Observation.status")] // required binding
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"colour":"red"}""", null)] // unknown element
    [InlineData("""{"resourceType":"Observation","status":"final","code":{}}""", null)] // empty element
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"effectiveDateTime":"yesterday"}""", null)]
    [InlineData("""{"resourceType":"Observation","status":"final","status":"preliminary","code":{"text":"x"}}""", null)] // duplicate
    [InlineData("""{"resourceType":"Observation","resourceType":"Patient","status":"final","code":{"text":"x"}}""", null)]
    [InlineData("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"text":{"status":"generated","div":"<div>unclosed"}}""", null)]
    [InlineData("""{"resourceType":"Condition","code":{"text":"x"}}""", "Condition.subject")]
    public void Invalid_resources_are_refused_with_their_problems(string body, string? location)
    {
        var result = Validator.Validate(body);

        Assert.False(result.IsValid);
        Assert.Null(result.Category);
        Assert.All(result.Problems, p => Assert.Equal(FhirProblemCodes.InvalidResource, p.Code));
        if (location is not null)
        {
            Assert.Contains(result.Problems, p => p.Location == location);
        }
    }

    [Theory]
    [InlineData("""{"resourceType":"Patient","id":"p-42","active":true}""")]
    [InlineData("""{"resourceType":"Bundle","type":"collection"}""")]
    [InlineData("""{"resourceType":"QuestionnaireResponse","status":"completed","meta":{"security":[{"code":"MH"}]}}""")]
    public void Valid_resources_outside_the_code_list_are_unsupported(string body)
    {
        var result = Validator.Validate(body);

        Assert.Equal(FhirProblemCodes.UnsupportedCategory, Assert.Single(result.Problems).Code);
        Assert.NotNull(result.ResourceType);
    }

    [Fact]
    public void Hostile_bytes_give_problems_not_exceptions()
    {
        byte[] invalidUtf8 = [.. """{"resourceType":"Observation","status":"final","code":{"text":" """u8, 0xC3, 0x28, .. "\"}}"u8];
        var deep = "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"},\"extension\":"
            + string.Concat(Enumerable.Repeat("[", 100)) + string.Concat(Enumerable.Repeat("]", 100)) + "}";

        Assert.Equal(FhirProblemCodes.MalformedJson, Assert.Single(Validator.Validate(invalidUtf8).Problems).Code);
        Assert.Equal(FhirProblemCodes.MalformedJson, Assert.Single(Validator.Validate(deep).Problems).Code);
        Assert.False(Validator.Validate("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueInteger":1e400}""").IsValid);
        Assert.False(Validator.Validate("""{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueString":null}""").IsValid);
    }

    [Fact]
    public void A_resource_with_many_problems_reports_a_bounded_list()
    {
        var body = "{\"resourceType\":\"Observation\"," + string.Join(",", Enumerable.Range(0, 50).Select(i => $"\"x{i}\":1")) + "}";

        var result = Validator.Validate(body);

        Assert.InRange(result.Problems.Count, 1, FhirRecordValidator.MaxProblems);
    }
}
