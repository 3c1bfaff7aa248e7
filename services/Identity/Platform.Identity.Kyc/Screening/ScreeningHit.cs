namespace Platform.Identity.Kyc;

/// <summary>A list entry whose name (or an alias) matched one of the applicant's names at or above the threshold.</summary>
/// <param name="MatchedName">The list's own spelling that matched (list data, not the applicant's).</param>
/// <param name="BirthDateAgrees">Whether the entry's birth data agrees with the applicant's; null when the entry has none.</param>
/// <param name="NationalityAgrees">Whether the entry's nationality is the applicant's; null when either is unknown.</param>
public sealed record ScreeningHit(string EntryId, string Source, bool IsPep, double Score, string MatchedName, bool? BirthDateAgrees, bool? NationalityAgrees);
