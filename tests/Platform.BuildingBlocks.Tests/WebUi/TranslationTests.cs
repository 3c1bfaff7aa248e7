using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Platform.Testing;
using Platform.WebUi.Text;

namespace Platform.BuildingBlocks.Tests.WebUi;

/// <summary>
/// Every language in <see cref="PageLocalization.Cultures"/> is complete: each English resource file of the services'
/// pages (every <c>Text/*.resx</c> under services/) has its <c>&lt;Name&gt;.&lt;culture&gt;.resx</c> with the same keys,
/// no key more, no value empty, and the same placeholders (<c>{0}</c>, <c>{1}</c>…), so that no page shows a half
/// translation or loses a value in another language.
/// </summary>
public sealed partial class TranslationTests
{
    public static TheoryData<string> Translations() => [.. PageLocalization.Cultures.Where(c => c != PageLocalization.Cultures[0])];

    [Theory]
    [MemberData(nameof(Translations))]
    public void Every_english_page_text_has_a_complete_translation_with_the_same_placeholders(string culture)
    {
        var english = Directory.EnumerateFiles(RepositoryRoot.Combine("services"), "*.resx", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && Path.GetFileNameWithoutExtension(f).Split('.').Length == 1)
            .ToList();
        Assert.True(english.Count >= 4, $"only {english.Count} English resource files found");
        var problems = new List<string>();
        foreach (var file in english)
        {
            var name = Path.GetRelativePath(RepositoryRoot.Path, file);
            var translated = Path.ChangeExtension(file, $".{culture}.resx");
            if (!File.Exists(translated))
            {
                problems.Add($"{name}: no {Path.GetFileName(translated)}");
                continue;
            }
            var source = Entries(file);
            var target = Entries(translated);
            problems.AddRange(source.Keys.Except(target.Keys).Select(k => $"{name}: '{k}' is not translated"));
            problems.AddRange(target.Keys.Except(source.Keys).Select(k => $"{Path.GetFileName(translated)}: '{k}' is not in the English file"));
            foreach (var (key, value) in source.Where(e => target.ContainsKey(e.Key)))
            {
                if (string.IsNullOrWhiteSpace(target[key]))
                {
                    problems.Add($"{Path.GetFileName(translated)}: '{key}' is empty");
                }
                else if (!Placeholders(value).SetEquals(Placeholders(target[key])))
                {
                    problems.Add($"{Path.GetFileName(translated)}: '{key}' has placeholders {string.Join(",", Placeholders(target[key]))}, English {string.Join(",", Placeholders(value))}");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_placeholder_check_sees_a_lost_or_extra_placeholder()
    {
        Assert.True(Placeholders("Access given to clinician {0} until {1}.").SetEquals(Placeholders("Accès donné à {0} jusqu'au {1}.")));
        Assert.False(Placeholders("{0} of them documents").SetEquals(Placeholders("documents")));
        Assert.False(Placeholders("{0}").SetEquals(Placeholders("{0} {1}")));
    }

    [Theory]
    [InlineData("en", 0, "Other")]
    [InlineData("en", 1, "One")]
    [InlineData("en", 2, "Other")]
    [InlineData("fr", 0, "One")]
    [InlineData("fr", 1, "One")]
    [InlineData("fr", 2, "Other")]
    public void Plural_forms_follow_each_language_s_rule(string culture, long count, string form) =>
        Assert.Equal("NotificationCount" + form, PluralForms.Key("NotificationCount", count, CultureInfo.GetCultureInfo(culture)));

    private static Dictionary<string, string> Entries(string file) =>
        XDocument.Load(file).Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "", StringComparer.Ordinal);

    private static HashSet<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Value)];

    [GeneratedRegex(@"\{\d+(?:[,:][^}]*)?\}")]
    private static partial Regex Placeholder();
}
