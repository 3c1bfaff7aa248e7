using System.Globalization;

namespace Platform.Consent.Core;

/// <summary>
/// The shape rule for the free-text fields of organisations and studies: trimmed, within a length, and without
/// control characters (line breaks only where a field allows paragraphs). These texts are shown to patients deciding
/// whether to take part, so they must render as written.
/// </summary>
internal static class ResearchText
{
    /// <summary>The trimmed text, or null when it is empty, too long or contains forbidden characters.</summary>
    public static string? Clean(string? text, int maxLength, bool multiline = false)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > maxLength)
        {
            return null;
        }
        foreach (var c in trimmed)
        {
            var category = char.GetUnicodeCategory(c);
            if ((category == UnicodeCategory.Control && !(multiline && c is '\n' or '\r'))
                || category is UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                return null;
            }
        }
        return trimmed;
    }
}
