using System.Text;
using System.Text.Json;
using Hl7.Fhir.Serialization;
using Platform.RecordVault.Core;
using Platform.RecordVault.Core.Research;
using Platform.Testing.Research;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Tests.Research;

/// <summary>Parsing synthetic patients into Firely resources (strictly: a generator bug fails here) and a fixed master key.</summary>
internal static class ResearchFixtures
{
    public static readonly byte[] MasterKey = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    public static readonly DateOnly ExportDate = new(2026, 12, 3);

    private static readonly FhirJsonDeserializer Deserializer = new(new DeserializerSettings());
    private static readonly FhirRecordValidator Validator = new();

    public static R4.Resource Parse(string json)
    {
        Deserializer.TryDeserializeResource(new Utf8JsonReader(Encoding.UTF8.GetBytes(json)), out var resource, out var issues);
        Assert.Empty(issues);
        return Assert.IsAssignableFrom<R4.Resource>(resource);
    }

    /// <summary>The patient's records as the vault would hold them: each passes the vault's own validator first.</summary>
    public static ParticipantRecords Participant(SyntheticPatient patient) => new(
        patient.PatientPseudonym,
        (R4.Patient)Parse(patient.PatientJson),
        patient.RecordsJson.Select(json =>
        {
            var result = Validator.Validate(json);
            Assert.True(result.IsValid, string.Join("; ", result.Problems.Select(p => p.Message)));
            return result.Resource!;
        }).ToList());

    public static StudyPseudonyms Study(string studyId = "study-diabetes-2026") => new(MasterKey, studyId);
}
