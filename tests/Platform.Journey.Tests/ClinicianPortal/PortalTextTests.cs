using System.Globalization;
using System.Text.RegularExpressions;
using Platform.ClinicianPortal.Pages;
using Platform.ClinicianPortal.Text;
using Platform.Testing;

namespace Platform.Journey.Tests.ClinicianPortal;

/// <summary>
/// The clinician portal's words come from PortalText.resx: no page writes visible text of its own (what is left of a
/// view once Razor code, markup and entities are taken out has no letters), and every key a page or page model asks
/// for is in the resource file, so a translation is a PortalText.&lt;culture&gt;.resx and nothing else. The journeys
/// (<see cref="ClinicianPortalBrowserTests"/>, <see cref="ConsentJourneyBrowserTests"/>) read the same words on the pages.
/// </summary>
public sealed partial class PortalTextTests
{
    private static readonly string Pages = RepositoryRoot.Combine("services", "ClinicianPortal", "Platform.ClinicianPortal", "Pages");

    [Fact]
    public void No_portal_page_writes_visible_text_that_is_not_in_the_resource_file()
    {
        var views = Directory.EnumerateFiles(Pages, "*.cshtml", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('_')).ToList();
        Assert.True(views.Count >= 9, $"only {views.Count} views found under {Pages}");
        var hardCoded = new List<string>();
        foreach (var view in views)
        {
            var left = VisibleTextOf(File.ReadAllText(view));
            if (Letters().IsMatch(left))
            {
                hardCoded.Add($"{Path.GetRelativePath(Pages, view)}: {Regex.Replace(left, @"\s+", " ").Trim()}");
            }
        }
        Assert.True(hardCoded.Count == 0, "text written in the page instead of PortalText.resx:\n" + string.Join("\n", hardCoded));
    }

    [Fact]
    public void Every_key_the_portal_asks_for_is_in_the_resource_file()
    {
        var code = Directory.EnumerateFiles(Path.GetDirectoryName(Pages)!, "*.cs*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText);
        var keys = code.SelectMany(c => Keys().Matches(c).Select(m => m.Groups["key"].Value))
            .Concat(RequestAccessModel.Durations.Select(d => "Duration" + d)).Distinct().ToList();
        Assert.True(keys.Count >= 60, $"only {keys.Count} keys found");
        var english = CultureInfo.GetCultureInfo("en");
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = english;
        try
        {
            Assert.All(keys, key => Assert.False(string.IsNullOrWhiteSpace(PortalText.Get(key)), key));
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    /// <summary>The view with directives, comments, Razor code blocks and expressions, C# control flow, tags and entities removed.</summary>
    private static string VisibleTextOf(string view)
    {
        var text = Regex.Replace(view, @"^@(page|model|using|inject|namespace|addTagHelper)\b.*$", "", RegexOptions.Multiline);
        text = Regex.Replace(text, @"@\*.*?\*@", "", RegexOptions.Singleline);
        text = Regex.Replace(text, @"@\{[^}]*\}", "");
        // Razor expressions: @(...), @identifier with member access, calls and indexers; parentheses and brackets balanced.
        text = Regex.Replace(text, @"@(?:if|foreach|for|while|switch)\s*" + Parens, "");
        text = Regex.Replace(text, @"@" + Parens, "");
        text = Regex.Replace(text, @"@[A-Za-z_][\w]*(?:(?:\??\.[A-Za-z_]\w*)|" + Parens + "|" + Brackets + ")*", "");
        text = Regex.Replace(text, @"\belse\s+if\s*" + Parens, "");
        text = Regex.Replace(text, @"\belse\b", "");
        text = Regex.Replace(text, @"<[^>]*>", "");
        return Regex.Replace(text, @"&[a-z]+;", "");
    }

    private const string Parens = @"\((?>[^()]+|\((?<p>)|\)(?<-p>))*(?(p)(?!))\)";
    private const string Brackets = @"\[(?>[^\[\]]+|\[(?<b>)|\](?<-b>))*(?(b)(?!))\]";

    [GeneratedRegex(@"\p{L}{2,}")]
    private static partial Regex Letters();

    // T["Key"...] in views, text["Key"...] in page models, PortalText.Get("Key").
    [GeneratedRegex(@"(?:\bT|\btext)\[""(?<key>\w+)""\s*[\],]|PortalText\.Get\(""(?<key>\w+)""\)")]
    private static partial Regex Keys();
}
