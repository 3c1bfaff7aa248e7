using Platform.Consent.Core;
using Platform.Consent.Text;
using Platform.Testing;
using Platform.Testing.Pages;

namespace Platform.Consent.Service.Tests;

/// <summary>
/// The consent service's pages take their words from ConsentPagesText.resx: no view writes text of its own, and every
/// key a view, page model or the header asks for is in the English file (its French twin is checked against it by
/// <c>TranslationTests</c> in Platform.BuildingBlocks.Tests).
/// </summary>
public sealed class ConsentPagesTextTests
{
    private static readonly string Service = RepositoryRoot.Combine("services", "Consent", "Platform.Consent");

    [Fact]
    public void No_consent_page_writes_visible_text_that_is_not_in_the_resource_file()
    {
        var pages = Path.Combine(Service, "Pages");
        var hardCoded = PageTextScan.HardCodedText(pages, out var views);
        Assert.True(views >= 3, $"only {views} views found under {pages}");
        Assert.True(hardCoded.Count == 0, "text written in the page instead of ConsentPagesText.resx:\n" + string.Join("\n", hardCoded));
    }

    [Fact]
    public void Every_key_the_consent_pages_ask_for_is_in_the_resource_file()
    {
        // Keys built from a value: a consent's status, a request's status, a duration's unit in each plural form.
        var computed = Enum.GetNames<ConsentStatus>().Select(s => "Status" + s)
            .Concat(Enum.GetNames<AccessRequestStatus>().Select(s => "RequestStatus" + s))
            .Concat(new[] { "Days", "Hours", "Minutes" }.SelectMany(u => new[] { u + "One", u + "Other" }));
        var (missing, keys) = PageTextScan.MissingKeys(Service, "Platform.Consent.Text.ConsentPagesText", typeof(ConsentPagesText).Assembly, computed);
        Assert.True(keys >= 60, $"only {keys} keys found");
        Assert.Empty(missing);
    }
}
