using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;

namespace Platform.Testing.Pages;

/// <summary>
/// Checks that a service's pages take their words from its resource file: what is left of a view once Razor code,
/// markup and entities are taken out has no letters (<see cref="HardCodedText"/>), and every key the views and page
/// models ask for is in the English resource file (<see cref="MissingKeys"/>). Used by each service's text tests.
/// </summary>
public static partial class PageTextScan
{
    /// <summary>"Page.cshtml: the words left" for each view (not the _ files) under <paramref name="pages"/> that writes text of its own.</summary>
    public static IReadOnlyList<string> HardCodedText(string pages, out int views)
    {
        var files = Directory.EnumerateFiles(pages, "*.cshtml", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('_')).ToList();
        views = files.Count;
        var hardCoded = new List<string>();
        foreach (var view in files)
        {
            var left = VisibleTextOf(File.ReadAllText(view));
            if (Letters().IsMatch(left))
            {
                hardCoded.Add($"{Path.GetRelativePath(pages, view)}: {Regex.Replace(left, @"\s+", " ").Trim()}");
            }
        }
        return hardCoded;
    }

    /// <summary>
    /// The keys named in the code under <paramref name="folder"/> (<c>T["Key"…]</c> in views, <c>text["Key"…]</c> in
    /// page models, <c>&lt;TextClass&gt;.Get("Key")</c>), plus <paramref name="computed"/> (keys a page builds from a
    /// value), that the English resource <paramref name="baseName"/> does not have; and how many keys there were.
    /// </summary>
    public static (IReadOnlyList<string> Missing, int Keys) MissingKeys(string folder, string baseName, System.Reflection.Assembly assembly, IEnumerable<string> computed)
    {
        ArgumentNullException.ThrowIfNull(computed);
        var keys = Directory.EnumerateFiles(folder, "*.cs*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .SelectMany(code => Keys().Matches(code).Select(m => m.Groups["key"].Value))
            .Concat(computed).Distinct(StringComparer.Ordinal).ToList();
        var resources = new ResourceManager(baseName, assembly);
        var english = CultureInfo.GetCultureInfo("en");
        return ([.. keys.Where(key => string.IsNullOrWhiteSpace(resources.GetString(key, english)))], keys.Count);
    }

    /// <summary>The view with directives, comments, Razor code blocks and expressions, C# control flow, tags and entities removed.</summary>
    public static string VisibleTextOf(string view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var text = Regex.Replace(view, @"^\s*@(page|model|using|inject|namespace|addTagHelper|attribute|section)\b.*$", "", RegexOptions.Multiline);
        text = Regex.Replace(text, @"@\*.*?\*@", "", RegexOptions.Singleline);
        // Code blocks, nested braces included (a local function that writes markup is removed with its block).
        text = Regex.Replace(text, @"@\{(?>[^{}]+|\{(?<c>)|\}(?<-c>))*(?(c)(?!))\}", "");
        // Razor expressions: @(...), @identifier with member access, calls and indexers; parentheses and brackets balanced.
        text = Regex.Replace(text, @"@(?:if|foreach|for|while|switch)\s*" + Parens, "");
        text = Regex.Replace(text, @"@" + Parens, "");
        text = Regex.Replace(text, @"@[A-Za-z_][\w]*(?:(?:\??\.[A-Za-z_]\w*)|" + Parens + "|" + Brackets + ")*", "");
        // C# inside code blocks: control flow without its @, switch labels, statements that write nothing.
        text = Regex.Replace(text, @"\b(?:else\s+if|if|foreach|for|while|switch)\s*" + Parens, "");
        text = Regex.Replace(text, @"\bcase\s+[\w.]+\s*:|\bdefault\s*:|\b(?:break|return)\s*;", "");
        text = Regex.Replace(text, @"\belse\b", "");
        text = Regex.Replace(text, @"<[^>]*>", "");
        return Regex.Replace(text, @"&[a-z]+;", "");
    }

    private const string Parens = @"\((?>[^()]+|\((?<p>)|\)(?<-p>))*(?(p)(?!))\)";
    private const string Brackets = @"\[(?>[^\[\]]+|\[(?<b>)|\](?<-b>))*(?(b)(?!))\]";

    [GeneratedRegex(@"\p{L}{2,}")]
    private static partial Regex Letters();

    [GeneratedRegex(@"(?:\bT|\btext)\[""(?<key>\w+)""\s*[\],]|\b\w+Text\.Get\(""(?<key>\w+)""\)")]
    private static partial Regex Keys();
}
