using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.TagHelpers;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Platform.WebUi.Text;

namespace Platform.WebUi.TagHelpers;

/// <summary>
/// A notification banner (the NHS.UK component): news about the person's own case that they did not just cause
/// (<c>variant="important"</c>, a landmark region), or the outcome of what they just did (<c>variant="success"</c>,
/// announced at once as an alert). The content is the banner's body; <see cref="Heading"/> an optional first line.
/// </summary>
[HtmlTargetElement("nhs-notification-banner")]
public sealed class NotificationBannerTagHelper : TagHelper
{
    /// <summary><c>important</c> (the default) or <c>success</c>.</summary>
    public string Variant { get; set; } = "important";

    /// <summary>The banner's small title; "Important" or "Success" when unset.</summary>
    public string? Title { get; set; }

    public string? Heading { get; set; }

    /// <summary>The id of the element; its title's id is derived from it, so two banners on a page stay distinct.</summary>
    public string Id { get; set; } = "notification-banner";

    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var success = Variant switch
        {
            "success" => true,
            "important" => false,
            _ => throw new InvalidOperationException($"'{Variant}' is not a notification banner variant (important, success)."),
        };
        var titleId = Id + "-title";
        var header = new TagBuilder("div");
        header.AddCssClass("nhsuk-notification-banner__header");
        var title = new TagBuilder("h2");
        title.AddCssClass("nhsuk-notification-banner__title");
        title.Attributes["id"] = titleId;
        title.InnerHtml.Append(Title ?? (success ? WebUiText.BannerSuccess : WebUiText.BannerImportant));
        header.InnerHtml.AppendHtml(title);

        var content = new TagBuilder("div");
        content.AddCssClass("nhsuk-notification-banner__content");
        if (!string.IsNullOrEmpty(Heading))
        {
            var heading = new TagBuilder("h3");
            heading.AddCssClass("nhsuk-notification-banner__heading");
            heading.InnerHtml.Append(Heading);
            content.InnerHtml.AppendHtml(heading);
        }
        content.InnerHtml.AppendHtml((await output.GetChildContentAsync()).GetContent());

        output.TagName = "div";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.SetAttribute("id", Id);
        output.AddClass("nhsuk-notification-banner", HtmlEncoder.Default);
        if (success)
        {
            output.AddClass("nhsuk-notification-banner--success", HtmlEncoder.Default);
        }
        output.Attributes.SetAttribute("data-module", "nhsuk-notification-banner");
        output.Attributes.SetAttribute("role", success ? "alert" : "region");
        output.Attributes.SetAttribute("aria-labelledby", titleId);
        output.Content.Clear();
        output.Content.AppendHtml(header);
        output.Content.AppendHtml(content);
    }
}
