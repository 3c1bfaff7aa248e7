using Hl7.Fhir.Serialization;
using Platform.Contracts.CodeLists;
using Platform.RecordVault.Core.Research;
using Platform.Testing.Research;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Tests.Research;

public sealed class SafeHarborDeidentifierTests
{
    private static readonly FhirJsonSerializer Serializer = new();

    private static readonly SyntheticPatient Patient = SyntheticPatients.Create(3);

    private static T Record<T>(DeidentificationLevel level = DeidentificationLevel.SafeHarbor)
        where T : R4.Resource
    {
        using var study = ResearchFixtures.Study();
        var source = ResearchFixtures.Participant(Patient).Records.OfType<T>().Single();
        var (resource, reason) = new SafeHarborDeidentifier(study, level).Deidentify(source, Patient.PatientPseudonym);
        Assert.Null(reason);
        return Assert.IsType<T>(resource);
    }

    [Fact]
    public void Names_contact_details_identifiers_narrative_notes_and_free_text_are_removed()
    {
        var observation = Record<R4.Observation>();

        Assert.Null(observation.Text);
        Assert.Empty(observation.Identifier);
        Assert.Empty(observation.Note);
        Assert.Null(observation.Code!.Text);
        Assert.Equal("2339-0", Assert.Single(observation.Code!.Coding).Code);
        Assert.Null(observation.Subject!.Display);
        Assert.Null(Assert.Single(observation.Performer).Display);
        Assert.Equal("mmol/L", Assert.IsType<R4.Quantity>(observation.Value).Unit);
    }

    [Fact]
    public void The_input_resource_is_not_changed()
    {
        using var study = ResearchFixtures.Study();
        var source = ResearchFixtures.Participant(Patient).Records.OfType<R4.Observation>().Single();
        var before = Serializer.SerializeToString(source);

        new SafeHarborDeidentifier(study, DeidentificationLevel.SafeHarbor).Deidentify(source, Patient.PatientPseudonym);

        Assert.Equal(before, Serializer.SerializeToString(source));
    }

    [Fact]
    public void References_point_to_study_pseudonyms_and_lose_base_urls_and_displays()
    {
        using var study = ResearchFixtures.Study();
        var observation = Record<R4.Observation>();
        var condition = Record<R4.Condition>();

        Assert.Equal("Patient/" + study.Participant(Patient.PatientPseudonym), observation.Subject!.Reference);
        Assert.Equal("Patient/" + study.Participant(Patient.PatientPseudonym), condition.Subject!.Reference);
        Assert.Matches("^Practitioner/[0-9a-f]{32}$", observation.Performer[0].Reference);
        Assert.Matches("^Device/[0-9a-f]{32}$", observation.Device!.Reference);
        Assert.Null(observation.Device!.Display);
        // An absolute reference: the hospital's base URL goes, the target becomes a pseudonym.
        Assert.Matches("^Practitioner/[0-9a-f]{32}$", condition.Asserter!.Reference);
        Assert.Equal(study.ResourceId("Observation", Patient.Identifiers["record-id"]), observation.Id);
    }

    [Fact]
    public void Contained_resources_are_renamed_and_scrubbed_and_local_references_follow()
    {
        var request = Record<R4.MedicationRequest>();

        Assert.Equal(2, request.Contained.Count);
        var prescriber = Assert.IsType<R4.Practitioner>(request.Contained[0]);
        var medication = Assert.IsType<R4.Medication>(request.Contained[1]);
        Assert.Equal(("c1", "c2"), (prescriber.Id, medication.Id));
        Assert.Equal("#c1", request.Requester!.Reference);
        Assert.Equal("#c2", Assert.IsType<R4.ResourceReference>(request.Medication).Reference);
        Assert.Empty(prescriber.Name);
        Assert.Empty(prescriber.Telecom);
        Assert.Empty(prescriber.Address);
        Assert.Empty(prescriber.Identifier);
        Assert.Null(medication.Batch?.LotNumber);
        Assert.Null(medication.Code!.Text);
        Assert.Empty(request.Identifier);
        Assert.Null(request.DosageInstruction.SingleOrDefault()?.Text);
        Assert.Null(request.DosageInstruction.SingleOrDefault()?.PatientInstruction);
    }

    [Fact]
    public void Safe_harbor_cuts_dates_to_the_year_and_drops_instants()
    {
        var observation = Record<R4.Observation>();
        var immunization = Record<R4.Immunization>();

        Assert.Equal("2024", Assert.IsType<R4.FhirDateTime>(observation.Effective).Value);
        Assert.Null(observation.Issued);
        Assert.Equal("2024", Assert.IsType<R4.FhirDateTime>(immunization.Occurrence).Value);
        Assert.Equal("2024", immunization.ExpirationDate);
        Assert.Null(immunization.LotNumber);
    }

    [Fact]
    public void Shifted_dates_move_every_date_of_a_participant_by_the_same_offset()
    {
        using var study = ResearchFixtures.Study();
        var shift = study.DateShiftDays(Patient.PatientPseudonym);
        var eventDate = DateOnly.Parse(Patient.Identifiers["event-date"], System.Globalization.CultureInfo.InvariantCulture);

        var observation = Record<R4.Observation>(DeidentificationLevel.ShiftedDates);
        var condition = Record<R4.Condition>(DeidentificationLevel.ShiftedDates);

        Assert.Equal(eventDate.AddDays(shift).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) + "T08:30:00+01:00",
            Assert.IsType<R4.FhirDateTime>(observation.Effective).Value);
        Assert.Equal(eventDate.AddDays(shift).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), condition.RecordedDate);
        Assert.Equal(DateTimeOffset.Parse(Patient.Identifiers["event-instant"], System.Globalization.CultureInfo.InvariantCulture).AddDays(shift), observation.Issued);
    }

    [Fact]
    public void Ages_over_89_become_at_least_90_years()
    {
        var condition = Record<R4.Condition>();

        var age = Assert.IsType<R4.Age>(condition.Onset);
        Assert.Equal(90m, age.Value);
        Assert.Equal(R4.Quantity.QuantityComparator.GreaterOrEqual, age.Comparator);
        Assert.Equal("a", age.Code);
    }

    [Fact]
    public void Dicom_uids_are_replaced_and_study_identifiers_removed()
    {
        using var study = ResearchFixtures.Study();
        var imaging = Record<R4.ImagingStudy>();

        Assert.Empty(imaging.Identifier);
        Assert.Null(imaging.Description);
        var series = Assert.Single(imaging.Series);
        Assert.Equal(study.Uid(Patient.Identifiers["dicom-series-uid"]), series.Uid);
        Assert.Equal(study.Uid(Patient.Identifiers["dicom-instance-uid"]), Assert.Single(series.Instance).Uid);
        Assert.StartsWith("2.25.", series.Uid, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DocumentReference", DroppedResourceReasons.FreeTextDocument)]
    [InlineData("Media", DroppedResourceReasons.Image)]
    public void Documents_and_images_are_not_exported(string type, string reason)
    {
        using var study = ResearchFixtures.Study();
        var source = ResearchFixtures.Participant(Patient).Records.Single(r => r.TypeName == type);

        Assert.Equal((null, reason), new SafeHarborDeidentifier(study, DeidentificationLevel.SafeHarbor).Deidentify(source, Patient.PatientPseudonym));
    }

    [Fact]
    public void Unknown_types_and_modifier_extensions_are_not_exported()
    {
        using var study = ResearchFixtures.Study();
        var deidentifier = new SafeHarborDeidentifier(study, DeidentificationLevel.SafeHarbor);
        var practitioner = new R4.Practitioner { Name = [new R4.HumanName { Family = "Pemberthwaite" }] };
        var observation = (R4.Observation)ResearchFixtures.Participant(Patient).Records.OfType<R4.Observation>().Single();
        observation.ModifierExtension.Add(new R4.Extension("urn:example:not-done", new R4.FhirBoolean(true)));

        Assert.Equal((null, DroppedResourceReasons.UnsupportedType), deidentifier.Deidentify(practitioner, Patient.PatientPseudonym));
        Assert.Equal((null, DroppedResourceReasons.ModifierExtension), deidentifier.Deidentify(observation, Patient.PatientPseudonym));
    }

    [Fact]
    public void Every_record_carries_the_rules_version_and_keeps_its_security_labels()
    {
        using var study = ResearchFixtures.Study();
        var observation = (R4.Observation)ResearchFixtures.Participant(Patient).Records.OfType<R4.Observation>().Single();
        observation.Meta = new R4.Meta
        {
            Security = [new R4.Coding(Platform.Contracts.CodeLists.RecordCategories.ActCodeSystem, "MH")],
            Source = "https://clinic.example/ehr",
            LastUpdated = DateTimeOffset.Parse("2024-03-11T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
        };

        var (resource, _) = new SafeHarborDeidentifier(study, DeidentificationLevel.SafeHarbor).Deidentify(observation, Patient.PatientPseudonym);

        var meta = resource!.Meta!;
        Assert.Equal((DeidRules.TagSystem, DeidRules.Version), (Assert.Single(meta.Tag).System, meta.Tag[0].Code));
        Assert.Equal("MH", Assert.Single(meta.Security).Code);
        Assert.Null(meta.Source);
        Assert.Null(meta.LastUpdated);
    }
}
