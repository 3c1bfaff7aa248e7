using System.Globalization;

namespace Platform.Consent.Core;

/// <summary>
/// Consent timestamps are UTC with whole milliseconds. Every store the service uses (SQLite text, PostgreSQL
/// timestamptz) keeps milliseconds exactly, so a consent read back hashes the same as the one that was written.
/// </summary>
public static class ConsentTimes
{
    /// <summary>The format used in the canonical form and in messages: ISO 8601, UTC, milliseconds.</summary>
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static DateTimeOffset Floor(DateTimeOffset time)
    {
        var ticks = time.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }

    public static DateTimeOffset Ceiling(DateTimeOffset time)
    {
        var floor = Floor(time);
        return floor.UtcTicks == time.UtcTicks || floor.UtcTicks > DateTimeOffset.MaxValue.UtcTicks - TimeSpan.TicksPerMillisecond
            ? floor
            : floor.AddMilliseconds(1);
    }

    public static string ToText(DateTimeOffset time) => time.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    internal static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
}
