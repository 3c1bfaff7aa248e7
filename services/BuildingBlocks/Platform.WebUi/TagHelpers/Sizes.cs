namespace Platform.WebUi.TagHelpers;

/// <summary>The size modifiers the NHS.UK frontend has for labels, legends and captions.</summary>
internal static class Sizes
{
    private static readonly string[] Known = ["s", "m", "l", "xl"];

    public static string Check(string size) => Known.Contains(size, StringComparer.Ordinal)
        ? size
        : throw new InvalidOperationException($"'{size}' is not a size of the design system ({string.Join(", ", Known)}).");
}
