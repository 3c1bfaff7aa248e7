using Hl7.Fhir.Serialization;

namespace Platform.RecordVault.Core.Research;

/// <summary>
/// A de-identified study export in memory: the released participants, the k-anonymity step taken, and how many
/// participants and resources were left out and why. <see cref="ToNdjson"/> gives the Bulk Data files.
/// </summary>
public sealed record StudyExportResult(
    string StudyId,
    string RulesVersion,
    IReadOnlyList<DeidentifiedParticipant> Participants,
    int KAnonymityStep,
    string KAnonymityStepDescription,
    int SuppressedParticipants,
    IReadOnlyDictionary<string, int> Dropped)
{
    private static readonly FhirJsonSerializer Serializer = new();

    /// <summary>
    /// FHIR NDJSON (Bulk Data Access IG): one file per resource type, named <c>Type.ndjson</c>, one resource per line,
    /// each line ending in <c>\n</c>; files and lines in a stable order (by pseudonym, then resource id).
    /// </summary>
    public IReadOnlyDictionary<string, string> ToNdjson()
    {
        var resources = Participants
            .OrderBy(p => p.StudyPseudonym, StringComparer.Ordinal)
            .SelectMany(p => p.Records.OrderBy(r => r.Id, StringComparer.Ordinal).Prepend<Hl7.Fhir.Model.Resource>(p.Patient));
        return resources
            .GroupBy(r => r.TypeName)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key + ".ndjson",
                g => string.Concat(g.Select(r => Serializer.SerializeToString(r) + "\n")),
                StringComparer.Ordinal);
    }
}
