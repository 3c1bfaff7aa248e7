using System.Text.RegularExpressions;

namespace Platform.Security.Tests;

/// <summary>
/// What one principal should get from one endpoint (a cell of AccessMatrix.md): a status (<c>200</c>, <c>2xx</c>,
/// <c>4xx</c>), a page outcome (<c>login</c>, <c>denied</c>), or <c>-</c> (not asked). A cell <c>200 !F4 403</c> is an
/// open finding: the platform answers 200 today, the role table says 403, issue #17 finding 4 tracks it.
/// </summary>
public sealed partial record Expectation(string Outcome, string? Finding, string? Target)
{
    public bool Asked => Outcome != "-";

    public static Expectation Parse(string cell)
    {
        var match = Cell().Match(cell.Trim());
        if (!match.Success)
        {
            throw new FormatException($"'{cell}' is not an outcome (200, 2xx, 4xx, login, denied, -, or '200 !F4 403').");
        }
        return new Expectation(match.Groups["outcome"].Value,
            match.Groups["finding"].Success ? match.Groups["finding"].Value : null,
            match.Groups["target"].Success ? match.Groups["target"].Value : null);
    }

    /// <summary>Does the observed outcome match the table (for an open finding: today's answer or the fixed one)?</summary>
    public bool Accepts(string observed) => Matches(Outcome, observed) || (Target is not null && Matches(Target, observed));

    public static bool Matches(string expected, string observed) => expected switch
    {
        "2xx" => observed.Length == 3 && observed[0] == '2',
        // A client error that is not about who is asking: the request reached the endpoint and was refused on its content.
        "4xx" => observed.Length == 3 && observed[0] == '4' && observed is not ("401" or "403"),
        _ => expected == observed,
    };

    public override string ToString() => Finding is null ? Outcome : $"{Outcome} !{Finding} {Target}";

    [GeneratedRegex(@"^(?<outcome>-|[1-5](xx|\d\d)|login|denied|redirect)(\s+!(?<finding>F\d+)\s+(?<target>[1-5](xx|\d\d)|login|denied))?$")]
    private static partial Regex Cell();
}

/// <summary>AccessMatrix.md read into rows: one per endpoint, one expectation per principal kind.</summary>
public sealed class AccessTable
{
    private AccessTable(IReadOnlyDictionary<EndpointKey, IReadOnlyDictionary<string, Expectation>> rows) => Rows = rows;

    public IReadOnlyDictionary<EndpointKey, IReadOnlyDictionary<string, Expectation>> Rows { get; }

    public static AccessTable Load() => Parse(File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "AccessMatrix.md")));

    /// <summary>Reads every table row whose header starts <c>| service | method | route |</c>; prose between tables is ignored.</summary>
    public static AccessTable Parse(IEnumerable<string> lines)
    {
        var rows = new Dictionary<EndpointKey, IReadOnlyDictionary<string, Expectation>>();
        string[]? header = null;
        foreach (var line in lines.Select(l => l.Trim()))
        {
            if (!line.StartsWith('|'))
            {
                header = null;
                continue;
            }
            var cells = line.Trim('|').Split('|').Select(c => c.Trim().Trim('`')).ToArray();
            if (header is null)
            {
                header = cells;
                if (header.Length < 4 || header[0] != "service" || header[1] != "method" || header[2] != "route")
                {
                    throw new FormatException($"A table's header must start | service | method | route |: {line}");
                }
                var unknown = header.Skip(3).Where(h => h != "why" && !PrincipalKinds.All.Contains(h)).ToList();
                if (unknown.Count > 0)
                {
                    throw new FormatException($"Unknown principal columns: {string.Join(", ", unknown)}");
                }
                continue;
            }
            if (cells.All(c => c.Trim('-', ':').Length == 0))
            {
                continue; // the |---|---| line
            }
            if (cells.Length != header.Length)
            {
                throw new FormatException($"{cells.Length} cells where the header has {header.Length}: {line}");
            }
            var key = new EndpointKey(cells[0], cells[1], cells[2]);
            var expectations = new Dictionary<string, Expectation>(StringComparer.Ordinal);
            for (var i = 3; i < header.Length; i++)
            {
                if (header[i] != "why")
                {
                    expectations[header[i]] = Expectation.Parse(cells[i]);
                }
            }
            if (!rows.TryAdd(key, expectations))
            {
                throw new FormatException($"Two rows for {key}.");
            }
        }
        return new AccessTable(rows);
    }
}
