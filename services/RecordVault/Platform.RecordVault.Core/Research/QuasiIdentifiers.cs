namespace Platform.RecordVault.Core.Research;

/// <summary>
/// What is left of a participant's demographics after Safe Harbor and could still single them out in combination:
/// birth year (null when unknown or when over 89), whether they are over 89, administrative gender, state and country.
/// A null value is "not known", a class of its own.
/// </summary>
public sealed record QuasiIdentifiers(int? BirthYear, bool Over89, string? Gender, string? State, string? Country);
