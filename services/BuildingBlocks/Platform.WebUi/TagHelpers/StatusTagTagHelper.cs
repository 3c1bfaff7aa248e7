using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Mvc.TagHelpers;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Platform.WebUi.TagHelpers;

/// <summary>
/// A status tag (the NHS.UK "tag"): <c>&lt;nhs-tag colour="green"&gt;Approved&lt;/nhs-tag&gt;</c>. A tag says the
/// state in words; the colour only supports them.
/// </summary>
[HtmlTargetElement("nhs-tag")]
public sealed class StatusTagTagHelper : TagHelper
{
    public static readonly IReadOnlyList<string> Colours = ["white", "grey", "green", "aqua-green", "blue", "purple", "pink", "red", "orange", "yellow"];

    /// <summary>One of <see cref="Colours"/>; none for the default blue.</summary>
    public string? Colour { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.TagName = "strong";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.AddClass("nhsuk-tag", HtmlEncoder.Default);
        if (!string.IsNullOrEmpty(Colour))
        {
            if (!Colours.Contains(Colour))
            {
                throw new InvalidOperationException($"'{Colour}' is not a tag colour of the design system.");
            }
            output.AddClass("nhsuk-tag--" + Colour, HtmlEncoder.Default);
        }
    }
}
