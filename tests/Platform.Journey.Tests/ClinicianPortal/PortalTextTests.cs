using Platform.ClinicianPortal.Pages;
using Platform.ClinicianPortal.Text;
using Platform.Testing;
using Platform.Testing.Pages;

namespace Platform.Journey.Tests.ClinicianPortal;

/// <summary>
/// The clinician portal's words come from PortalText.resx: no page writes visible text of its own (what is left of a
/// view once Razor code, markup and entities are taken out has no letters), and every key a page or page model asks
/// for is in the resource file, so a translation is a PortalText.&lt;culture&gt;.resx and nothing else. The journeys
/// (<see cref="ClinicianPortalBrowserTests"/>, <see cref="ConsentJourneyBrowserTests"/>) read the same words on the pages.
/// </summary>
public sealed class PortalTextTests
{
    private static readonly string Pages = RepositoryRoot.Combine("services", "ClinicianPortal", "Platform.ClinicianPortal", "Pages");

    [Fact]
    public void No_portal_page_writes_visible_text_that_is_not_in_the_resource_file()
    {
        var hardCoded = PageTextScan.HardCodedText(Pages, out var views);
        Assert.True(views >= 9, $"only {views} views found under {Pages}");
        Assert.True(hardCoded.Count == 0, "text written in the page instead of PortalText.resx:\n" + string.Join("\n", hardCoded));
    }

    [Fact]
    public void Every_key_the_portal_asks_for_is_in_the_resource_file()
    {
        var (missing, keys) = PageTextScan.MissingKeys(Path.GetDirectoryName(Pages)!, "Platform.ClinicianPortal.Text.PortalText",
            typeof(PortalText).Assembly, RequestAccessModel.Durations.Select(d => "Duration" + d));
        Assert.True(keys >= 60, $"only {keys} keys found");
        Assert.Empty(missing);
    }
}
