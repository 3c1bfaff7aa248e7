using System.Text.Json;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Validation;
using Platform.RecordVault.Core.Research;
using Platform.Testing.Research;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Tests.Research;

public sealed class StudyDeidentifierTests
{
    // Twelve patients in two groups of six (1961 women and 1975 men, all in CA): k = 5 releases everyone at full detail.
    private static readonly IReadOnlyList<SyntheticPatient> Cohort = Enumerable.Range(0, 12)
        .Select(i => SyntheticPatients.Create(i, i < 6 ? 1961 : 1975, i < 6 ? "female" : "male", "CA"))
        .ToList();

    private static StudyExportResult Export(IEnumerable<SyntheticPatient> patients, DeidentificationLevel level = DeidentificationLevel.SafeHarbor, string studyId = "study-diabetes-2026")
    {
        using var study = ResearchFixtures.Study(studyId);
        return StudyDeidentifier.Deidentify(patients.Select(ResearchFixtures.Participant).ToList(), study,
            new DeidentificationOptions { Level = level, ReferenceDate = ResearchFixtures.ExportDate });
    }

    public static TheoryData<string, DeidentificationLevel> KindsAndLevels()
    {
        var data = new TheoryData<string, DeidentificationLevel>();
        foreach (var kind in SyntheticPatients.IdentifierKinds)
        {
            data.Add(kind, DeidentificationLevel.SafeHarbor);
            data.Add(kind, DeidentificationLevel.ShiftedDates);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(KindsAndLevels))]
    public void No_identifier_of_any_kind_reaches_the_export(string kind, DeidentificationLevel level)
    {
        var export = Export(Cohort, level);
        var files = DecodedText(export.ToNdjson());
        Assert.Contains("mmol/L", files, StringComparison.Ordinal); // the decoded text is the export's content

        if (kind is "birth-date" or "event-date" or "event-instant")
        {
            // A shifted date of one participant may equal another's true date by chance: check each participant's own.
            using var study = ResearchFixtures.Study();
            Assert.All(Cohort, patient => Assert.DoesNotContain(patient.Identifiers[kind],
                DecodedText((export with { Participants = export.Participants.Where(p => p.StudyPseudonym == study.Participant(patient.PatientPseudonym)).ToList() }).ToNdjson()),
                StringComparison.Ordinal));
            return;
        }
        Assert.All(Cohort, patient => Assert.DoesNotContain(patient.Identifiers[kind], files, StringComparison.OrdinalIgnoreCase));
        Assert.All(Cohort, patient => Assert.DoesNotContain(patient.PatientPseudonym, files, StringComparison.Ordinal));
    }

    /// <summary>Every string and property name of every line, unescaped: a serializer's escaping (\u002B) cannot hide a value.</summary>
    private static string DecodedText(IReadOnlyDictionary<string, string> files)
    {
        var text = new System.Text.StringBuilder();
        foreach (var line in files.Values.SelectMany(f => f.Split('\n', StringSplitOptions.RemoveEmptyEntries)))
        {
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(line));
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName or JsonTokenType.Number)
                {
                    text.Append(reader.TokenType == JsonTokenType.Number ? System.Text.Encoding.UTF8.GetString(reader.ValueSpan) : reader.GetString()).Append('\u0001');
                }
            }
        }
        return text.ToString();
    }

    [Fact]
    public void The_generator_really_writes_every_identifier_kind_into_the_input()
    {
        var patient = Cohort[0];
        var input = patient.PatientJson + string.Concat(patient.RecordsJson);

        Assert.Equal(SyntheticPatients.IdentifierKinds.Order(), patient.Identifiers.Keys.Order());
        Assert.All(SyntheticPatients.IdentifierKinds, kind => Assert.Contains(patient.Identifiers[kind], input, StringComparison.Ordinal));
    }

    [Fact]
    public void The_export_is_bulk_data_ndjson_of_valid_fhir_with_one_patient_per_participant()
    {
        var export = Export(Cohort);
        var files = export.ToNdjson();

        Assert.Equal(["Condition.ndjson", "ImagingStudy.ndjson", "Immunization.ndjson", "MedicationRequest.ndjson", "Observation.ndjson", "Patient.ndjson"], files.Keys);
        foreach (var (name, content) in files)
        {
            Assert.EndsWith("\n", content, StringComparison.Ordinal);
            var lines = content.TrimEnd('\n').Split('\n');
            Assert.Equal(12, lines.Length);
            foreach (var line in lines)
            {
                var resource = ResearchFixtures.Parse(line);
                Assert.Equal(name[..^".ndjson".Length], resource.TypeName);
                Assert.Empty(resource.Validate());
                Assert.Equal(DeidRules.Version, resource.Meta!.Tag.Single(t => t.System == DeidRules.TagSystem).Code);
            }
        }
        Assert.Equal(12, export.Participants.Count);
        Assert.Equal(new Dictionary<string, int> { [DroppedResourceReasons.FreeTextDocument] = 12, [DroppedResourceReasons.Image] = 12 }, export.Dropped);
    }

    [Fact]
    public void The_released_patient_has_the_study_pseudonym_birth_year_gender_and_state_only()
    {
        using var study = ResearchFixtures.Study();
        var export = Export(Cohort);

        var participant = export.Participants.Single(p => p.StudyPseudonym == study.Participant(Cohort[0].PatientPseudonym));
        var patient = participant.Patient;
        Assert.Equal(participant.StudyPseudonym, patient.Id);
        Assert.Equal((study.ParticipantSystem, participant.StudyPseudonym), (Assert.Single(patient.Identifier).System, patient.Identifier[0].Value));
        Assert.Equal("1961", patient.BirthDate);
        Assert.Equal(R4.AdministrativeGender.Female, patient.Gender);
        var address = Assert.Single(patient.Address);
        Assert.Equal(("CA", "US", null, null, null), (address.State, address.Country, address.City, address.PostalCode, address.District));
        Assert.Empty(patient.Name);
        Assert.Empty(patient.Telecom);
        Assert.Empty(patient.Photo);
        Assert.Empty(patient.Contact);
        Assert.All(participant.Records, r => Assert.DoesNotContain(Cohort[0].PatientPseudonym, new FhirJsonSerializer().SerializeToString(r), StringComparison.Ordinal));
    }

    [Fact]
    public void A_participant_over_89_has_no_birth_year_only_the_90_plus_group()
    {
        var old = Enumerable.Range(100, 5).Select(i => SyntheticPatients.Create(i, 1930, "female", "CA")).ToList();

        var export = Export(Cohort.Concat(old));

        var released = export.Participants.Select(p => p.Patient).Where(p => p.BirthDate is null).ToList();
        Assert.Equal(5, released.Count);
        Assert.All(released, p => Assert.Equal("90+", Assert.IsType<R4.FhirString>(p.Extension.Single(e => e.Url == DeidRules.AgeGroupExtension).Value).Value));
        Assert.DoesNotContain("1930", string.Concat(export.ToNdjson().Values), StringComparison.Ordinal);
    }

    [Fact]
    public void A_participant_who_would_be_singled_out_is_withheld_with_all_their_records()
    {
        // 20 ordinary participants and one man from Texas born 1940: the budget (5 % of 21 = 1) withholds him alone.
        var cohort = Enumerable.Range(0, 20).Select(i => SyntheticPatients.Create(i, 1961, i % 2 == 0 ? "female" : "male", "CA")).ToList();
        var outlier = SyntheticPatients.Create(99, 1940, "male", "TX");

        var export = Export(cohort.Append(outlier));

        Assert.Equal(1, export.SuppressedParticipants);
        Assert.Equal(20, export.Participants.Count);
        Assert.Equal(outlier.RecordsJson.Count, export.Dropped[DroppedResourceReasons.KAnonymitySuppressed]);
        using var study = ResearchFixtures.Study();
        Assert.DoesNotContain(study.Participant(outlier.PatientPseudonym), string.Concat(export.ToNdjson().Values), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_studies_export_the_same_patients_under_unlinkable_pseudonyms()
    {
        var a = Export(Cohort, studyId: "study-a");
        var b = Export(Cohort, studyId: "study-b");

        var idsA = a.Participants.Select(p => p.StudyPseudonym).ToHashSet();
        var idsB = b.Participants.Select(p => p.StudyPseudonym).ToHashSet();
        Assert.Empty(idsA.Intersect(idsB));
        var recordIdsA = a.Participants.SelectMany(p => p.Records).Select(r => r.Id).ToHashSet();
        Assert.Empty(recordIdsA.Intersect(b.Participants.SelectMany(p => p.Records).Select(r => r.Id)));
    }

    [Fact]
    public void The_same_input_gives_the_same_files()
    {
        Assert.Equal(Export(Cohort).ToNdjson(), Export(Cohort).ToNdjson());
        using var document = JsonDocument.Parse(Export(Cohort).ToNdjson()["Patient.ndjson"].Split('\n')[0]);
        Assert.Equal("Patient", document.RootElement.GetProperty("resourceType").GetString());
    }
}
