namespace Platform.Testing.Research;

/// <summary>
/// A made-up patient from <see cref="SyntheticPatients"/>: the vault's pseudonym, their FHIR Patient and records as
/// FHIR R4 JSON, and every direct identifier written into them, by HIPAA Safe Harbor kind, so a test can check that
/// none of them survives de-identification.
/// </summary>
public sealed record SyntheticPatient(
    string PatientPseudonym,
    int BirthYear,
    string Gender,
    string State,
    string PatientJson,
    IReadOnlyList<string> RecordsJson,
    IReadOnlyDictionary<string, string> Identifiers);
