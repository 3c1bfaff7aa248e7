namespace Platform.Consent.Core;

/// <summary>
/// The de-identification levels a study may ask for (the record vault's <c>DeidentificationLevel</c>): <c>safe-harbor</c>
/// cuts dates to the year; <c>shifted-dates</c> keeps them precise but moved per participant, which the study's ethics
/// approval must cover. See docs/research.md.
/// </summary>
public static class DeidentificationLevelCodes
{
    public const string SafeHarbor = "safe-harbor";
    public const string ShiftedDates = "shifted-dates";

    public static IReadOnlyList<string> All { get; } = [SafeHarbor, ShiftedDates];

    public static bool IsKnown(string? code) => code is SafeHarbor or ShiftedDates;
}
