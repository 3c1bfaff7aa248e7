using Platform.Consent.Core;
using Platform.Contracts.CodeLists;

namespace Platform.Consent.Tests;

public sealed class CodeListTests
{
    [Fact]
    public void Exactly_the_four_special_categories_are_sensitive()
    {
        var sensitive = RecordCategories.All.Where(c => c.IsSensitive).Select(c => c.Code).Order(StringComparer.Ordinal);

        Assert.Equal(
            [RecordCategories.Genetic, RecordCategories.MentalHealth, RecordCategories.SexualHealth, RecordCategories.SubstanceUse],
            sensitive);
    }

    [Fact]
    public void Every_category_is_documented_and_exportable()
    {
        Assert.Equal(13, RecordCategories.All.Count);
        Assert.Equal(RecordCategories.All.Count, RecordCategories.All.Select(c => c.Code).Distinct(StringComparer.Ordinal).Count());
        foreach (var category in RecordCategories.All)
        {
            Assert.Matches("^[a-z]+(-[a-z]+)*$", category.Code);
            Assert.False(string.IsNullOrWhiteSpace(category.Display));
            Assert.NotEmpty(category.FhirCodes);
            Assert.Equal(category.IsSensitive ? RecordCategories.ActCodeSystem : RecordCategories.ResourceTypeSystem, category.FhirSystem);
        }
    }

    [Theory]
    [InlineData("observation", true)]
    [InlineData("mental-health", true)]
    [InlineData("Observation", false)]
    [InlineData("mental_health", false)]
    [InlineData(" observation", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Category_lookup_is_exact(string? code, bool known)
    {
        Assert.Equal(known, RecordCategories.TryGet(code, out var category));
        Assert.Equal(known, RecordCategories.IsKnown(code));
        Assert.Equal(known ? code : null, category?.Code);
    }

    [Theory]
    [InlineData("TREAT", true)]
    [InlineData("ETREAT", true)]
    [InlineData("HRESCH", true)]
    [InlineData("HPAYMT", true)]
    [InlineData("HOPERAT", true)]
    [InlineData("treat", false)]
    [InlineData("PUBHLTH", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Purpose_lookup_is_exact(string? code, bool known)
    {
        Assert.Equal(known, PurposesOfUse.TryGet(code, out var purpose));
        Assert.Equal(known, PurposesOfUse.IsKnown(code));
        if (known)
        {
            Assert.Equal("http://terminology.hl7.org/CodeSystem/v3-ActReason", purpose!.FhirSystem);
        }
    }

    [Theory]
    [InlineData("Observation", "observation")]
    [InlineData("MedicationRequest", "medication")]
    [InlineData("MedicationStatement", "medication")]
    [InlineData("DocumentReference", "clinical-note")]
    [InlineData("Patient", null)]
    [InlineData("MH", null)]
    public void Resource_types_map_to_ordinary_categories_only(string resourceType, string? expected)
    {
        Assert.Equal(expected, RecordCategories.ForResourceType(resourceType)?.Code);
    }
}
