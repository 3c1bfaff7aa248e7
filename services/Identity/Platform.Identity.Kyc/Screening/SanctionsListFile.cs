using System.Globalization;
using System.Text.Json;

namespace Platform.Identity.Kyc;

/// <summary>
/// Reads the list file format: UTF-8 JSON Lines, one person per line; blank lines and lines starting with <c>#</c>
/// are ignored. Fields: <c>id</c> (string, required, unique), <c>source</c> (string, required), <c>name</c>
/// (string, required), <c>aliases</c> (array of strings), <c>birth_date</c> (<c>YYYY-MM-DD</c> or <c>YYYY</c>),
/// <c>nationality</c> (ISO alpha-3/alpha-2 or ICAO code), <c>pep</c> (boolean, default false). Unknown fields are
/// errors, so a misspelt <c>alias</c> cannot silently drop aliases from screening.
/// </summary>
public static class SanctionsListFile
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal) { "id", "source", "name", "aliases", "birth_date", "nationality", "pep" };

    public static SanctionsListParseResult Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8);
        return Parse(reader);
    }

    public static SanctionsListParseResult Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var entries = new List<SanctionsListEntry>();
        var errors = new List<SanctionsListError>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            var text = line.Trim();
            if (text.Length == 0 || text[0] == '#')
            {
                continue;
            }

            var entry = ParseLine(text, number, errors);
            if (entry is not null && !ids.Add(entry.Id))
            {
                errors.Add(new(number, SanctionsListError.DuplicateId, $"The id '{entry.Id}' appears more than once."));
            }
            else if (entry is not null)
            {
                entries.Add(entry);
            }
        }

        return errors.Count > 0 ? new(null, errors) : new(new SanctionsList(entries), []);
    }

    private static SanctionsListEntry? ParseLine(string text, int line, List<SanctionsListError> errors)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            errors.Add(new(line, SanctionsListError.InvalidJson, "The line is not a JSON object."));
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add(new(line, SanctionsListError.InvalidJson, "The line is not a JSON object."));
                return null;
            }

            var before = errors.Count;
            foreach (var property in root.EnumerateObject().Where(p => !Known.Contains(p.Name)))
            {
                errors.Add(new(line, SanctionsListError.UnknownProperty, $"Unknown field '{property.Name}'."));
            }

            var id = RequiredString(root, "id", line, errors);
            var source = RequiredString(root, "source", line, errors);
            var name = RequiredString(root, "name", line, errors);
            var aliases = Aliases(root, line, errors);
            var (year, date) = BirthDate(root, line, errors);
            var nationality = Nationality(root, line, errors);
            var pep = Pep(root, line, errors);

            return errors.Count > before ? null : new SanctionsListEntry(id!, source!, name!, aliases, year, date, nationality, pep);
        }
    }

    private static string? RequiredString(JsonElement root, string field, int line, List<SanctionsListError> errors)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            errors.Add(new(line, SanctionsListError.MissingField, $"'{field}' must be a non-empty string."));
            return null;
        }

        return value.GetString()!.Trim();
    }

    private static string[] Aliases(JsonElement root, int line, List<SanctionsListError> errors)
    {
        if (!root.TryGetProperty("aliases", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(a.GetString())))
        {
            errors.Add(new(line, SanctionsListError.InvalidField, "'aliases' must be an array of non-empty strings."));
            return [];
        }

        return [.. value.EnumerateArray().Select(a => a.GetString()!.Trim())];
    }

    private static (int? Year, DateOnly? Date) BirthDate(JsonElement root, int line, List<SanctionsListError> errors)
    {
        if (!root.TryGetProperty("birth_date", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return (null, null);
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (text is { Length: 4 } && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var year) && year >= 1800)
        {
            return (year, null);
        }

        if (text is { Length: 10 } && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return (date.Year, date);
        }

        errors.Add(new(line, SanctionsListError.InvalidField, "'birth_date' must be YYYY-MM-DD or YYYY."));
        return (null, null);
    }

    private static string? Nationality(JsonElement root, int line, List<SanctionsListError> errors)
    {
        if (!root.TryGetProperty("nationality", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var code = value.ValueKind == JsonValueKind.String ? CountryCodes.ToCanonical(value.GetString()) : null;
        if (code is null)
        {
            errors.Add(new(line, SanctionsListError.InvalidField, "'nationality' must be an ISO 3166-1 or ICAO 9303 country code."));
        }

        return code;
    }

    private static bool Pep(JsonElement root, int line, List<SanctionsListError> errors)
    {
        if (!root.TryGetProperty("pep", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            errors.Add(new(line, SanctionsListError.InvalidField, "'pep' must be true or false."));
            return false;
        }

        return value.GetBoolean();
    }
}
