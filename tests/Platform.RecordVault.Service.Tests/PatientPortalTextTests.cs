using Platform.RecordVault.Pages.Portal;
using Platform.RecordVault.Text;
using Platform.Testing;
using Platform.Testing.Pages;

namespace Platform.RecordVault.Service.Tests;

/// <summary>
/// The patient portal's words come from PatientPortalText.resx: no view writes text of its own, and every key a view,
/// a page model, the header or the portal's helpers (notifications, a record's summary, the access log's words) ask
/// for is in the English file (its French twin is checked against it by <c>TranslationTests</c> in
/// Platform.BuildingBlocks.Tests).
/// </summary>
public sealed class PatientPortalTextTests
{
    private static readonly string Pages = RepositoryRoot.Combine("services", "RecordVault", "Platform.RecordVault", "Pages");

    [Fact]
    public void No_portal_page_writes_visible_text_that_is_not_in_the_resource_file()
    {
        var hardCoded = PageTextScan.HardCodedText(Pages, out var views);
        Assert.True(views >= 8, $"only {views} views found under {Pages}");
        Assert.True(hardCoded.Count == 0, "text written in the page instead of PatientPortalText.resx:\n" + string.Join("\n", hardCoded));
    }

    [Fact]
    public void Every_key_the_portal_asks_for_is_in_the_resource_file()
    {
        // Keys built from a value: counted phrases in both forms, access-log actions and purposes, revocation reasons.
        string[] counted = ["RecordCount", "DocumentCount", "AccessCount", "NotificationCount", "ExportIntro", "OwnHidden", "DocumentBytes"];
        var computed = counted.SelectMany(k => new[] { k + "One", k + "Other" })
            .Concat(AccessLogEntry.Actions.Select(a => char.ToUpperInvariant(a[0]) + a[1..]).SelectMany(a => new[] { "What" + a, "WhatRefused" + a }))
            .Concat(AccessLogEntry.Purposes.Select(p => "Purpose" + p))
            .Concat(RevocationReasons.Known.Select(r => "Revocation_" + r));
        var (missing, keys) = PageTextScan.MissingKeys(Pages, "Platform.RecordVault.Text.PatientPortalText", typeof(PatientPortalText).Assembly, computed);
        Assert.True(keys >= 150, $"only {keys} keys found");
        Assert.Empty(missing);
    }
}
