using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Platform.WebUi.TagHelpers;

/// <summary>A textarea with its label, hint and error message (the NHS.UK "textarea" component).</summary>
[HtmlTargetElement("nhs-textarea")]
public sealed class TextareaTagHelper : FormField
{
    public int Rows { get; set; } = 5;

    /// <summary>Monospaced, for codes read character by character.</summary>
    public bool Code { get; set; }

    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        var textarea = new TagBuilder("textarea");
        textarea.AddCssClass("nhsuk-textarea");
        if (Code)
        {
            textarea.AddCssClass("nhsuk-input--code");
        }
        textarea.Attributes["rows"] = Rows.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // A newline after the start tag is dropped by HTML parsers, so a value that starts with one keeps it.
        textarea.InnerHtml.AppendHtml(Environment.NewLine);
        textarea.InnerHtml.Append(CurrentValue() ?? "");
        await RenderGroupAsync(context, output, textarea, "nhsuk-textarea--error");
    }
}
