using System.Globalization;

namespace Platform.WebUi.Text;

/// <summary>
/// Dates as pages write them, in the page's language: "3 December 2026", "3 décembre 2026 à 14:05 UTC". The formats
/// are WebUiText entries (a translation picks its own order and words) and the month names come from the request's UI
/// culture: pages set only the UI culture (<see cref="PageLocalization"/>), because the formatting culture also shapes
/// the services' API answers. Moments are shown in UTC, said so, as everywhere on the platform.
/// </summary>
public static class PageDates
{
    public static string Day(DateTimeOffset at) => Format(at, "DateFormat");

    public static string Day(DateOnly day) => Format(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), "DateFormat");

    public static string DayAndTime(DateTimeOffset at) => Format(at, "DateTimeFormat");

    /// <summary>The machine-readable form for a <c>&lt;time datetime&gt;</c> beside the words (ISO 8601, UTC).</summary>
    public static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Format(DateTimeOffset at, string entry) =>
        at.ToUniversalTime().ToString(WebUiText.Get(entry), CultureInfo.CurrentUICulture);
}
