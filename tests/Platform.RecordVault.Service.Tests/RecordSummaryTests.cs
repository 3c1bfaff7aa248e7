using Hl7.Fhir.Serialization;
using Platform.RecordVault.Pages.Portal;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Service.Tests;

/// <summary>How the portal renders FHIR resources for people: only what the resource says, as precisely as it says it.</summary>
public sealed class RecordSummaryTests
{
    private static RecordSummary Of(string json) => RecordSummary.Of(new FhirJsonDeserializer().Deserialize<R4.Resource>(json));

    [Fact]
    public void An_observation_shows_value_unit_and_date_time_in_utc()
    {
        var summary = Of("""{"resourceType":"Observation","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}]},"effectiveDateTime":"2026-11-02T10:30:00+01:00","valueQuantity":{"value":72,"unit":"beats/minute"}}""");
        Assert.Equal("Heart rate", summary.Title);
        Assert.Equal("72 beats/minute", summary.Value);
        Assert.Equal("2 November 2026, 09:30 UTC", summary.When);
    }

    [Fact]
    public void A_blood_pressure_lists_its_components_and_a_unit_without_display_falls_back_to_its_ucum_code()
    {
        var summary = Of("""{"resourceType":"Observation","status":"final","code":{"text":"Blood pressure"},"effectiveDateTime":"2026-11-02","component":[{"code":{"text":"Systolic"},"valueQuantity":{"value":120,"code":"mm[Hg]","system":"http://unitsofmeasure.org"}},{"code":{"text":"Diastolic"},"valueQuantity":{"value":80,"code":"mm[Hg]","system":"http://unitsofmeasure.org"}}]}""");
        Assert.Null(summary.Value);
        Assert.Equal("2 November 2026", summary.When);
        Assert.Contains(("Components", "Systolic: 120 mm[Hg]; Diastolic: 80 mm[Hg]"), summary.Details);
    }

    [Fact]
    public void A_partial_date_is_shown_as_precise_as_it_is_and_a_condition_shows_its_clinical_status()
    {
        var summary = Of("""{"resourceType":"Condition","subject":{"display":"x"},"code":{"text":"Asthma"},"clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},"onsetDateTime":"2019-04"}""");
        Assert.Equal("Asthma", summary.Title);
        Assert.Equal("active", summary.Value);
        Assert.Equal("2019-04", summary.When);
    }

    [Fact]
    public void An_immunisation_and_a_medication_show_what_was_given_and_when()
    {
        var vaccine = Of("""{"resourceType":"Immunization","status":"completed","vaccineCode":{"text":"Influenza vaccine"},"patient":{"display":"x"},"occurrenceDateTime":"2026-10-01","lotNumber":"AB12"}""");
        Assert.Equal(("Influenza vaccine", "completed", "1 October 2026"), (vaccine.Title, vaccine.Value, vaccine.When));
        Assert.Contains(("Lot", "AB12"), vaccine.Details);
        var medication = Of("""{"resourceType":"MedicationStatement","status":"active","medicationCodeableConcept":{"text":"Salbutamol 100 micrograms"},"subject":{"display":"x"},"effectiveDateTime":"2026-01-05","dosage":[{"text":"2 puffs when needed"}]}""");
        Assert.Equal("Salbutamol 100 micrograms", medication.Title);
        Assert.Contains(("Dose", "2 puffs when needed"), medication.Details);
    }
}
