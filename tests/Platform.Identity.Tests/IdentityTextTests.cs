using System.Text.RegularExpressions;
using System.Xml.Linq;
using Platform.Identity.Pages.Account;
using Platform.Identity.Pages.Connect;
using Platform.Testing;
using Platform.Testing.Pages;

namespace Platform.Identity.Tests;

/// <summary>
/// The identity service's page words come from Text/IdentityText.resx: no page writes visible text of its own (what
/// is left of a view once Razor code, markup and entities are taken out has no letters), the page scripts write no
/// sentences (theirs come from the page's data-text-* attributes), every key the pages, page models and validation
/// attributes ask for is in the resource file and every entry is asked for, and the French file has exactly the same
/// keys with the same placeholders. The browser tests read the same words on the pages, in English and in French
/// (<see cref="Browser.FrenchPagesBrowserTests"/>).
/// </summary>
public sealed partial class IdentityTextTests
{
    private static readonly string Service = RepositoryRoot.Combine("services", "Identity", "Platform.Identity");
    private static readonly string Pages = Path.Combine(Service, "Pages");
    private static readonly string English = Path.Combine(Service, "Text", "IdentityText.resx");
    private static readonly string French = Path.Combine(Service, "Text", "IdentityText.fr.resx");

    [Fact]
    public void No_identity_page_writes_visible_text_that_is_not_in_the_resource_file()
    {
        var hardCoded = PageTextScan.HardCodedText(Pages, out var views);
        Assert.True(views >= 16, $"only {views} views found under {Pages}");
        Assert.True(hardCoded.Count == 0, "text written in the page instead of IdentityText.resx:\n" + string.Join("\n", hardCoded));
    }

    [Fact]
    public void The_scan_finds_text_written_in_a_page()
    {
        // The check itself can fail: a heading written in the view, a label attribute's words, Razor left around it.
        Assert.Matches(Letters(), PageTextScan.VisibleTextOf("@page \"/x\"\n@{ ViewData[\"Title\"] = T[\"A\"].Value; }\n<h1>@T[\"A\"]</h1>\n<p>Written here</p>"));
        Assert.DoesNotMatch(Letters(), PageTextScan.VisibleTextOf("@page \"/x\"\n@if (Model.Ok) { <p>@T[\"A\", Model.Name]</p> } else { <p>@(Model.B ? T[\"B\"] : T[\"C\"])</p> }\n@section Scripts {\n<script src=\"/a.js\"></script>\n}"));
    }

    [Fact]
    public void No_page_script_writes_a_sentence_of_its_own_and_each_word_it_reads_is_on_its_page()
    {
        var scripts = new Dictionary<string, string> { ["kyc-mrz.js"] = "Onboarding/Application.cshtml", ["kyc-credential.js"] = "Onboarding/Credential.cshtml" };
        foreach (var (script, page) in scripts)
        {
            var code = Regex.Replace(File.ReadAllText(Path.Combine(Pages, "Shared", script)), @"//.*$", "", RegexOptions.Multiline);
            var sentences = ScriptLiterals().Matches(code).Select(m => m.Value).Where(l => l != "'use strict'" && Regex.IsMatch(l, @"\p{L}{2,}\s+\p{L}{2,}")).ToList();
            Assert.True(sentences.Count == 0, $"{script} writes words of its own: {string.Join(", ", sentences)}");
            var view = File.ReadAllText(Path.Combine(Pages, page));
            var asked = ScriptTextNames().Matches(code).Select(m => $"data-{(m.Groups["kind"].Value == "field" ? "field" : "text")}-{m.Groups["name"].Value}=\"@T[").ToList();
            Assert.NotEmpty(asked);
            Assert.All(asked, attribute => Assert.Contains(attribute, view, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Every_key_the_pages_ask_for_is_in_the_resource_file_and_every_entry_is_asked_for()
    {
        var code = Directory.EnumerateFiles(Pages, "*.cs*", SearchOption.AllDirectories).Select(File.ReadAllText);
        var asked = code.SelectMany(c => Keys().Matches(c).Select(m => m.Groups["key"].Value))
            .Concat(ConsentModel.ScopeTextKeys.Values).Append(LoginModel.NotSignedIn).ToHashSet(StringComparer.Ordinal);
        var entries = Entries(English);
        Assert.True(asked.Count >= 200, $"only {asked.Count} keys found");
        var missing = asked.Where(key => !entries.ContainsKey(key) || string.IsNullOrWhiteSpace(entries[key])).ToList();
        Assert.True(missing.Count == 0, "asked for but not in IdentityText.resx: " + string.Join(", ", missing));
        var unused = entries.Keys.Where(key => !asked.Contains(key)).ToList();
        Assert.True(unused.Count == 0, "in IdentityText.resx but asked for by no page: " + string.Join(", ", unused));
    }

    [Fact]
    public void The_french_file_exists_and_is_one_of_the_translations_checked()
    {
        Assert.Contains(French, TranslationFiles());
    }

    /// <summary>Every translation beside the English file (IdentityText.&lt;culture&gt;.resx), French among them.</summary>
    public static TheoryData<string> Translations() => new(TranslationFiles());

    private static List<string> TranslationFiles() =>
        [.. Directory.EnumerateFiles(Path.GetDirectoryName(English)!, "IdentityText.*.resx").Order()];

    [Theory]
    [MemberData(nameof(Translations))]
    public void A_translation_has_every_entry_of_the_english_file_with_the_same_placeholders_and_no_other(string translation)
    {
        var english = Entries(English);
        var french = Entries(translation);
        Assert.Empty(english.Keys.Except(french.Keys));
        Assert.Empty(french.Keys.Except(english.Keys));
        Assert.All(french, entry => Assert.False(string.IsNullOrWhiteSpace(entry.Value), entry.Key));
        Assert.All(english, entry => Assert.Equal(Placeholders(entry.Value), Placeholders(french[entry.Key])));
        // Translated, not copied: entries read differently in the other language (a few names or codes aside).
        var same = english.Where(e => e.Value == french[e.Key]).Select(e => e.Key).ToList();
        Assert.True(same.Count <= 3, $"entries left in English in {Path.GetFileName(translation)}: " + string.Join(", ", same));
        // Every entry with a placeholder explains it to translators.
        var comments = XDocument.Load(English).Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("comment"));
        Assert.Empty(english.Where(e => Placeholders(e.Value).Length > 0 && string.IsNullOrWhiteSpace(comments[e.Key])).Select(e => e.Key));
    }

    private static Dictionary<string, string> Entries(string resx) =>
        XDocument.Load(resx).Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!, StringComparer.Ordinal);

    private static string Placeholders(string value) =>
        string.Join(",", Regex.Matches(value, @"\{(\d+)\}").Select(m => m.Groups[1].Value).Distinct().Order());

    [GeneratedRegex(@"\p{L}{2,}")]
    private static partial Regex Letters();

    // T["Key"...] in views, text["Key"...] / Text["Key"...] in page models and helpers, IdentityText.Get("Key"...), ErrorMessage = "Key".
    [GeneratedRegex(@"(?:\bT|\b[tT]ext)\[""(?<key>\w+)""\s*[\],]|IdentityText\.Get\(""(?<key>\w+)""|ErrorMessage = ""(?<key>\w+)""")]
    private static partial Regex Keys();

    [GeneratedRegex(@"'[^'\n]*'")]
    private static partial Regex ScriptLiterals();

    // text('so-far', …) / field('birth-date') in kyc-mrz.js; getAttribute('data-text-making-key') in kyc-credential.js.
    [GeneratedRegex(@"\b(?<kind>text|field)\('(?<name>[a-z-]+)'|getAttribute\('data-(?<kind>text)-(?<name>[a-z-]+)'\)")]
    private static partial Regex ScriptTextNames();
}
