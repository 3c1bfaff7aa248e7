using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Core.Research;

/// <summary>
/// De-identifies a study's consented participants for one export: k-anonymity over their quasi-identifiers first
/// (suppressed participants leave with all their records), then Safe Harbor over each released record
/// (<see cref="SafeHarborDeidentifier"/>), and a Patient per participant built from their released quasi-identifiers.
/// Pure: the caller has already checked consents and categories and loaded the records.
/// </summary>
public static class StudyDeidentifier
{
    public static StudyExportResult Deidentify(
        IReadOnlyCollection<ParticipantRecords> participants, StudyPseudonyms pseudonyms, DeidentificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(participants);
        ArgumentNullException.ThrowIfNull(pseudonyms);
        ArgumentNullException.ThrowIfNull(options);
        var byPatient = participants.ToDictionary(p => p.PatientPseudonym, StringComparer.Ordinal);
        if (byPatient.Count != participants.Count)
        {
            throw new ArgumentException("A participant appears twice.", nameof(participants));
        }

        var quasi = byPatient.ToDictionary(p => p.Key, p => PatientDemographics.Read(p.Value.Demographics, options.ReferenceDate), StringComparer.Ordinal);
        var anonymity = KAnonymity.Enforce(quasi, options.KAnonymity);
        var deidentifier = new SafeHarborDeidentifier(pseudonyms, options.Level);
        var dropped = new Dictionary<string, int>(StringComparer.Ordinal);

        var released = new List<DeidentifiedParticipant>();
        foreach (var (patientPseudonym, input) in byPatient.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!anonymity.Released.TryGetValue(patientPseudonym, out var generalised))
            {
                Count(dropped, DroppedResourceReasons.KAnonymitySuppressed, input.Records.Count);
                continue;
            }
            var records = new List<R4.Resource>();
            foreach (var record in input.Records)
            {
                var (resource, reason) = deidentifier.Deidentify(record, patientPseudonym);
                if (resource is null)
                {
                    Count(dropped, reason!, 1);
                }
                else
                {
                    records.Add(resource);
                }
            }
            var studyPseudonym = pseudonyms.Participant(patientPseudonym);
            var patient = PatientDemographics.Release(input.Demographics, studyPseudonym, pseudonyms.ParticipantSystem, generalised,
                deidentifier, pseudonyms.DateShiftDays(patientPseudonym));
            released.Add(new DeidentifiedParticipant(studyPseudonym, patient, records));
        }

        return new StudyExportResult(pseudonyms.StudyId, DeidRules.Version, released, anonymity.Step, anonymity.StepDescription,
            anonymity.Suppressed.Count, dropped);
    }

    private static void Count(Dictionary<string, int> counts, string reason, int n)
    {
        if (n > 0)
        {
            counts[reason] = counts.GetValueOrDefault(reason) + n;
        }
    }
}
