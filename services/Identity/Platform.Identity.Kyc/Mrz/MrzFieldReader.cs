namespace Platform.Identity.Kyc;

/// <summary>
/// Reads and validates single MRZ fields for the layout readers, collecting every problem instead of stopping at the
/// first, so the applicant learns everything that is wrong at once. Lines and positions are 0-based here and
/// reported 1-based.
/// </summary>
internal sealed class MrzFieldReader(IReadOnlyList<string> lines, DateOnly today)
{
    private readonly List<MrzProblem> _problems = [];

    public IReadOnlyList<MrzProblem> Problems => _problems;

    public ReadOnlySpan<char> Slice(int line, int start, int length) => lines[line].AsSpan(start, length);

    public char At(int line, int position) => lines[line][position];

    public void Report(string code, int line, int start, int length, string message) =>
        _problems.Add(new MrzProblem(code, line + 1, start + 1, length, message));

    /// <summary>The two-character document code without fillers, or null (and a problem) when its first letter is not allowed.</summary>
    public string? DocumentCode(int line, string allowedFirstLetters, string layout)
    {
        var code = Slice(line, 0, 2);
        if (!allowedFirstLetters.Contains(code[0], StringComparison.Ordinal) || code[1] is >= '0' and <= '9')
        {
            Report(MrzProblemCodes.DocumentCodeUnsupported, line, 0, 2, $"A {layout} document code starts with one of {allowedFirstLetters}.");
            return null;
        }

        return code.ToString().TrimEnd('<');
    }

    /// <summary>A three-character state or nationality field, or null (and a problem) when it names no known code.</summary>
    public string? Country(int line, int start, string problemCode, string label)
    {
        var field = Slice(line, start, 3).ToString();
        var trimmed = field.TrimEnd('<');
        if (trimmed.Length == 0 || trimmed.Contains('<', StringComparison.Ordinal) || trimmed.Any(char.IsDigit) || !CountryCodes.IsKnownMrzCode(trimmed))
        {
            Report(problemCode, line, start, 3, $"The {label} is not an ICAO 9303 state or organisation code.");
            return null;
        }

        return trimmed;
    }

    /// <summary>A document number padded with trailing fillers, or null (and a problem) when empty or with fillers inside.</summary>
    public string? DocumentNumber(int line, int start, int length)
    {
        var trimmed = Slice(line, start, length).TrimEnd('<');
        if (trimmed.IsEmpty || trimmed.Contains('<'))
        {
            Report(MrzProblemCodes.DocumentNumberInvalid, line, start, length, "The document number is empty or has fillers inside it.");
            return null;
        }

        return trimmed.ToString();
    }

    /// <summary>Verifies the check digit at (<paramref name="line"/>, <paramref name="position"/>) over <paramref name="field"/>.</summary>
    public bool CheckDigit(ReadOnlySpan<char> field, int line, int position, string problemCode, string label)
    {
        if (MrzCheckDigit.IsValid(field, At(line, position)))
        {
            return true;
        }

        Report(problemCode, line, position, 1, $"The {label} check digit does not match.");
        return false;
    }

    public DateOnly? BirthDate(int line, int start)
    {
        var field = Slice(line, start, 6);
        if (field.Contains('<'))
        {
            Report(MrzProblemCodes.BirthDateUnknown, line, start, 6, "The birth date is (partly) unknown to the issuer.");
            return null;
        }

        var date = MrzDates.TrySplit(field, out var yy, out var month, out var day) ? MrzDates.ResolveBirthDate(yy, month, day, today) : null;
        if (date is null)
        {
            Report(MrzProblemCodes.BirthDateInvalid, line, start, 6, "The birth date is not a valid YYMMDD date.");
        }

        return date;
    }

    public DateOnly? ExpiryDate(int line, int start)
    {
        var field = Slice(line, start, 6);
        var date = MrzDates.TrySplit(field, out var yy, out var month, out var day) ? MrzDates.ResolveExpiryDate(yy, month, day, today) : null;
        if (date is null)
        {
            Report(MrzProblemCodes.ExpiryDateInvalid, line, start, 6, "The expiry date is not a valid YYMMDD date.");
        }

        return date;
    }

    public MrzSex? Sex(int line, int position)
    {
        switch (At(line, position))
        {
            case 'F':
                return MrzSex.Female;
            case 'M':
                return MrzSex.Male;
            case 'X' or '<':
                return MrzSex.Unspecified;
            default:
                Report(MrzProblemCodes.SexInvalid, line, position, 1, "The sex is not F, M, X or <.");
                return null;
        }
    }

    /// <summary>
    /// Splits the name field at the first <c>&lt;&lt;</c> into primary and secondary identifiers; single fillers inside
    /// a component stand for spaces, hyphens or apostrophes and become single spaces.
    /// </summary>
    public MrzName? Name(int line, int start, int length)
    {
        var field = Slice(line, start, length);
        if (field.ContainsAnyInRange('0', '9'))
        {
            Report(MrzProblemCodes.NameInvalid, line, start, length, "The name contains digits.");
            return null;
        }

        var text = field.TrimEnd('<').ToString();
        var separator = text.IndexOf("<<", StringComparison.Ordinal);
        var primary = Words(separator < 0 ? text : text[..separator]);
        var secondary = separator < 0 ? string.Empty : Words(text[(separator + 2)..]);
        if (primary.Length == 0)
        {
            Report(MrzProblemCodes.NameMissing, line, start, length, "The primary identifier (family name) is missing.");
            return null;
        }

        // Doc 9303 truncates names that do not fit and then uses the field up to its last position.
        return new MrzName(primary, secondary, field[^1] != '<');
    }

    private static string Words(string components) =>
        string.Join(' ', components.Split('<', StringSplitOptions.RemoveEmptyEntries));
}
