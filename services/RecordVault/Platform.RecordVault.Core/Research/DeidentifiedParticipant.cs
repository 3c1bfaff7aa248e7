using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Core.Research;

/// <summary>One released participant: their study pseudonym, their de-identified Patient and records.</summary>
public sealed record DeidentifiedParticipant(string StudyPseudonym, R4.Patient Patient, IReadOnlyList<R4.Resource> Records);
