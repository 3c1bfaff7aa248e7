using Platform.RecordVault.Records;

namespace Platform.RecordVault.Fhir;

/// <summary>
/// One token search value (<c>code=…</c>, <c>category=…</c>): its alternatives (comma-separated, any may match), each
/// as the token form whose blind-index hash it looks up — <c>code</c>, <c>system|code</c>, <c>|code</c> (no system) or
/// <c>system|</c> (FHIR R4 search, "token"); <c>\,</c>, <c>\|</c> and <c>\\</c> escape. Modifiers (<c>:text</c>,
/// <c>:not</c>, …) are not supported and never reach here (the name with a modifier is an unsupported parameter).
/// </summary>
public sealed record FhirTokenParameter(string Name, string Text, IReadOnlyList<string> Forms)
{
    public static bool TryParse(string name, string value, out FhirTokenParameter? parameter)
    {
        ArgumentNullException.ThrowIfNull(value);
        parameter = null;
        var forms = new List<string>();
        foreach (var alternative in Split(value, ','))
        {
            var parts = Split(alternative, '|');
            string? form = parts.Count switch
            {
                1 when parts[0].Length > 0 => SearchKeyHasher.CodeForm(Unescape(parts[0])),
                2 when parts[1].Length > 0 => SearchKeyHasher.SystemCodeForm(Unescape(parts[0]), Unescape(parts[1])),
                2 when parts[0].Length > 0 => SearchKeyHasher.SystemForm(Unescape(parts[0])),
                _ => null,
            };
            if (form is null)
            {
                return false;
            }
            forms.Add(form);
        }
        parameter = new FhirTokenParameter(name, value, forms);
        return true;
    }

    /// <summary>Splits at separators that are not escaped with a backslash; the parts keep their escapes.</summary>
    private static List<string> Split(string value, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\')
            {
                i++;
            }
            else if (value[i] == separator)
            {
                parts.Add(value[start..i]);
                start = i + 1;
            }
        }
        parts.Add(value[start..]);
        return parts;
    }

    private static string Unescape(string part) =>
        part.Replace("\\,", ",", StringComparison.Ordinal).Replace("\\|", "|", StringComparison.Ordinal)
            .Replace("\\$", "$", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
}
