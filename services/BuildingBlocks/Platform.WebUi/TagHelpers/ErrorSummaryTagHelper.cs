using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.TagHelpers;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Platform.WebUi.Text;

namespace Platform.WebUi.TagHelpers;

/// <summary>
/// The error summary at the top of a page whose form came back with problems (the NHS.UK "error summary"): a
/// heading, the element's content as a description, then one link per error to its field, from <see cref="Errors"/>
/// and the page's ModelState (a key's field id is the key as <c>asp-for</c> makes it). The frontend's script moves
/// the focus to it. Renders nothing when there is no content and no error.
/// </summary>
[HtmlTargetElement("nhs-error-summary")]
public sealed class ErrorSummaryTagHelper : TagHelper
{
    public string? Title { get; set; }

    public IEnumerable<ErrorLink>? Errors { get; set; }

    /// <summary>Lists the ModelState errors too (the default).</summary>
    public bool IncludeModelState { get; set; } = true;

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = default!;

    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var description = (await output.GetChildContentAsync()).GetContent();
        var errors = (Errors ?? []).ToList();
        if (IncludeModelState)
        {
            foreach (var (key, entry) in ViewContext.ViewData.ModelState)
            {
                errors.AddRange(entry.Errors.Select(e => new ErrorLink(TagBuilder.CreateSanitizedId(key, "_"), e.ErrorMessage)));
            }
        }
        if (string.IsNullOrWhiteSpace(description) && errors.Count == 0)
        {
            output.SuppressOutput();
            return;
        }

        var alert = new TagBuilder("div");
        // role="alert" on an inner element, as the component does: focusing the outer one then reads it once.
        alert.Attributes["role"] = "alert";
        var heading = new TagBuilder("h2");
        heading.AddCssClass("nhsuk-error-summary__heading");
        heading.InnerHtml.Append(Title ?? WebUiText.ErrorSummaryTitle);
        alert.InnerHtml.AppendHtml(heading);
        var body = new TagBuilder("div");
        body.AddCssClass("nhsuk-error-summary__body");
        if (!string.IsNullOrWhiteSpace(description))
        {
            body.InnerHtml.AppendHtml(description);
        }
        if (errors.Count > 0)
        {
            var list = new TagBuilder("ul");
            list.AddCssClass("nhsuk-list nhsuk-error-summary__list");
            foreach (var error in errors)
            {
                var link = new TagBuilder("a");
                link.Attributes["href"] = "#" + error.FieldId;
                link.InnerHtml.Append(error.Message);
                var item = new TagBuilder("li");
                item.InnerHtml.AppendHtml(link);
                list.InnerHtml.AppendHtml(item);
            }
            body.InnerHtml.AppendHtml(list);
        }
        alert.InnerHtml.AppendHtml(body);

        output.TagName = "div";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.AddClass("nhsuk-error-summary", HtmlEncoder.Default);
        output.Attributes.SetAttribute("data-module", "nhsuk-error-summary");
        output.Content.SetHtmlContent(alert);
    }
}
