using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Core.Research;

/// <summary>
/// One consented participant's input to an export: the vault's pseudonym of the patient (never released), their
/// demographics when known (a FHIR Patient; only the quasi-identifiers are taken from it) and the records of the
/// categories the study may receive. Every reference to a Patient in these records is taken to mean this participant.
/// </summary>
public sealed record ParticipantRecords(string PatientPseudonym, R4.Patient? Demographics, IReadOnlyList<R4.Resource> Records);
