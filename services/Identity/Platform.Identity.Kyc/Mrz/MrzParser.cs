namespace Platform.Identity.Kyc;

/// <summary>
/// Parses TD1 and TD3 machine-readable zones (ICAO Doc 9303, 8th edition) and validates them completely: line
/// layout, character set, document code, states, dates, sex, names and every check digit. The layout is chosen by
/// line count and length alone; nothing is auto-corrected (an OCR <c>O</c> for <c>0</c> stays a fault), because a
/// KYC decision must rest on exactly what the document says.
/// </summary>
public static class MrzParser
{
    /// <summary>Parses an MRZ given as text: lines separated by line breaks, surrounding whitespace ignored.</summary>
    /// <param name="today">The date that resolves two-digit years (see <see cref="MrzDates"/>).</param>
    public static MrzParseResult Parse(string mrz, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(mrz);
        var lines = mrz.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0).ToArray();
        return Parse(lines, today);
    }

    /// <summary>Parses an MRZ given line by line.</summary>
    public static MrzParseResult Parse(IReadOnlyList<string> lines, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var shape = (lines.Count, lines.Count > 0 ? lines[0]?.Length ?? 0 : 0);
        var layout = shape switch
        {
            (Td3Layout.Lines, Td3Layout.Length) => MrzFormat.Td3,
            (Td1Layout.Lines, Td1Layout.Length) => MrzFormat.Td1,
            _ => (MrzFormat?)null,
        };

        var width = layout == MrzFormat.Td3 ? Td3Layout.Length : Td1Layout.Length;
        if (layout is null || lines.Any(line => line is null || line.Length != width))
        {
            return MrzParseResult.Invalid(
            [
                new MrzProblem(MrzProblemCodes.Format, 1, 1, 0, "An MRZ is two lines of 44 characters (TD3) or three lines of 30 (TD1)."),
            ]);
        }

        var charset = CharsetProblems(lines);
        if (charset.Count > 0)
        {
            return MrzParseResult.Invalid(charset);
        }

        var reader = new MrzFieldReader(lines, today);
        return layout == MrzFormat.Td3 ? Td3Layout.Read(reader) : Td1Layout.Read(reader);
    }

    private static List<MrzProblem> CharsetProblems(IReadOnlyList<string> lines)
    {
        var problems = new List<MrzProblem>();
        for (var line = 0; line < lines.Count; line++)
        {
            for (var position = 0; position < lines[line].Length; position++)
            {
                if (!MrzCheckDigit.IsMrzCharacter(lines[line][position]))
                {
                    problems.Add(new MrzProblem(MrzProblemCodes.Charset, line + 1, position + 1, 1, "Only A-Z, 0-9 and < may appear in an MRZ."));
                }
            }
        }

        return problems;
    }
}
