namespace Platform.RecordVault.Core.Research;

/// <summary>
/// A participant's quasi-identifiers as released: the age group (a year such as <c>1961</c>, a band such as
/// <c>1960-1969</c>, <c>90+</c>, or null when suppressed or unknown), gender, state and country (null when
/// suppressed or unknown). <see cref="BirthYearExact"/> is true when the group is the plain birth year.
/// </summary>
public sealed record GeneralisedQuasiIdentifiers(string? AgeGroup, bool BirthYearExact, string? Gender, string? State, string? Country);
