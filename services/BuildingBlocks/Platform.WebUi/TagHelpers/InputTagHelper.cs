using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Platform.WebUi.TagHelpers;

/// <summary>
/// A text input with its label, hint and error message (the NHS.UK "text input" component):
/// <c>&lt;nhs-input asp-for="Email" id="email" type="email" label="E-mail address" autocomplete="username" required /&gt;</c>.
/// A password's value is never written back into the page; nor is a file input's.
/// </summary>
[HtmlTargetElement("nhs-input")]
public sealed class InputTagHelper : FormField
{
    private static readonly int[] Widths = [2, 3, 4, 5, 10, 20, 30];

    public string Type { get; set; } = "text";

    /// <summary>A fixed width in characters (2, 3, 4, 5, 10, 20 or 30), for answers of a known length.</summary>
    public int? Width { get; set; }

    /// <summary>Monospaced, for codes read character by character.</summary>
    public bool Code { get; set; }

    public override async Task ProcessAsync(TagHelperContext context, TagHelperOutput output)
    {
        var input = new TagBuilder("input") { TagRenderMode = TagRenderMode.SelfClosing };
        input.AddCssClass("nhsuk-input");
        if (Width is { } width)
        {
            input.AddCssClass(Widths.Contains(width)
                ? "nhsuk-input--width-" + width
                : throw new InvalidOperationException($"{width} is not an input width of the design system."));
        }
        if (Code)
        {
            input.AddCssClass("nhsuk-input--code");
        }
        if (Type == "file")
        {
            // The file upload component's own class; a plain .nhsuk-input draws a text box around the button.
            input.Attributes["class"] = input.Attributes["class"]!.Replace("nhsuk-input", "nhsuk-file-upload__input", StringComparison.Ordinal);
        }
        input.Attributes["type"] = Type;
        if (Type is not ("password" or "file") && CurrentValue() is { } value)
        {
            input.Attributes["value"] = value;
        }
        await RenderGroupAsync(context, output, input, "nhsuk-input--error");
    }
}
