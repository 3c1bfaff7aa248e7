using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.RecordVault.Fhir;

/// <summary>
/// A FHIR date search value (<c>[prefix]YYYY[-MM[-DD[Thh:mm[:ss[.fff]][Z|±hh:mm]]]]</c>) as the half-open range of
/// instants its precision covers (with the text as given, for paging links), and the test the prefix makes against an instant (FHIR R4 search, "date").
/// </summary>
public sealed partial record FhirDateRange(string Text, string Prefix, DateTimeOffset Start, DateTimeOffset End)
{
    private static readonly string[] Prefixes = ["eq", "ne", "gt", "lt", "ge", "le", "sa", "eb"];

    [GeneratedRegex(@"^(?<y>\d{4})(-(?<m>\d{2})(-(?<d>\d{2})(T(?<h>\d{2}):(?<mi>\d{2})(:(?<s>\d{2})(\.(?<f>\d{1,7}))?)?(?<z>Z|[+-]\d{2}:\d{2})?)?)?)?$")]
    private static partial Regex Pattern();

    public static bool TryParse(string value, out FhirDateRange? range)
    {
        ArgumentNullException.ThrowIfNull(value);
        range = null;
        var prefix = value.Length > 2 && Prefixes.Contains(value[..2], StringComparer.Ordinal) ? value[..2] : "eq";
        var text = value.Length > 2 && Prefixes.Contains(value[..2], StringComparer.Ordinal) ? value[2..] : value;
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            return false;
        }
        int Part(string name, int fallback) => match.Groups[name].Success ? int.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture) : fallback;
        // A time needs a zone (FHIR: "SHALL" for dateTime with a time); a date alone is read in UTC.
        if (match.Groups["h"].Success && !match.Groups["z"].Success)
        {
            return false;
        }
        var offset = TimeSpan.Zero;
        if (match.Groups["z"].Success && match.Groups["z"].Value != "Z")
        {
            var z = match.Groups["z"].Value;
            offset = new TimeSpan(int.Parse(z[1..3], CultureInfo.InvariantCulture), int.Parse(z[4..6], CultureInfo.InvariantCulture), 0);
            if (z[0] == '-')
            {
                offset = -offset;
            }
        }
        try
        {
            var start = new DateTimeOffset(Part("y", 1), Part("m", 1), Part("d", 1), Part("h", 0), Part("mi", 0), Part("s", 0), offset);
            if (match.Groups["f"].Success)
            {
                start = start.AddTicks(long.Parse(match.Groups["f"].Value.PadRight(7, '0'), CultureInfo.InvariantCulture));
            }
            var end = match.Groups["f"].Success ? start.AddTicks((long)Math.Pow(10, 7 - match.Groups["f"].Value.Length))
                : match.Groups["s"].Success ? start.AddSeconds(1)
                : match.Groups["mi"].Success ? start.AddMinutes(1)
                : match.Groups["d"].Success ? start.AddDays(1)
                : match.Groups["m"].Success ? start.AddMonths(1)
                : start.AddYears(1);
            range = new FhirDateRange(value, prefix, start, end);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false; // 2026-13-45 and the like
        }
    }

    /// <summary>
    /// The test against a stored date range (<see cref="Data.RecordSearchKeyRow"/>: start inclusive, end exclusive, Unix
    /// ms), in SQL: FHIR R4's comparison of the search value's range with the target's — <c>eq</c> contains it,
    /// <c>gt</c>/<c>lt</c> the range above/below the value overlaps it, <c>ge</c>/<c>le</c> either, <c>sa</c>/<c>eb</c>
    /// it lies wholly after/before, <c>ne</c> not contained. For an instant this is exactly <see cref="Matches"/>.
    /// </summary>
    public System.Linq.Expressions.Expression<Func<Data.RecordSearchKeyRow, bool>> KeyPredicate()
    {
        var start = Start.ToUnixTimeMilliseconds();
        var end = End.ToUnixTimeMilliseconds();
        return Prefix switch
        {
            "eq" => k => k.StartMs >= start && k.EndMs <= end,
            "ne" => k => k.StartMs < start || k.EndMs > end,
            "gt" => k => k.EndMs > end,
            "lt" => k => k.StartMs < start,
            "ge" => k => k.EndMs > end || (k.StartMs >= start && k.EndMs <= end),
            "le" => k => k.StartMs < start || (k.StartMs >= start && k.EndMs <= end),
            "sa" => k => k.StartMs >= end,
            "eb" => k => k.EndMs <= start,
            _ => k => false,
        };
    }

    /// <summary>Whether an instant (a resource's <c>meta.lastUpdated</c>) satisfies this parameter.</summary>
    public bool Matches(DateTimeOffset instant) => Prefix switch
    {
        "eq" => instant >= Start && instant < End,
        "ne" => instant < Start || instant >= End,
        "gt" or "sa" => instant >= End,
        "lt" or "eb" => instant < Start,
        "ge" => instant >= Start,
        "le" => instant < End,
        _ => false,
    };
}
