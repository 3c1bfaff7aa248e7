using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Mvc.TagHelpers;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Platform.WebUi.TagHelpers;

/// <summary>
/// A button (the NHS.UK component): <c>&lt;nhs-button&gt;Continue&lt;/nhs-button&gt;</c> submits its form;
/// with <c>href</c> it is a link that looks like a button (a start button, "Get your credential").
/// Other attributes (id, name, value, formaction, ...) stay on the element.
/// </summary>
[HtmlTargetElement("nhs-button")]
public sealed class ButtonTagHelper : TagHelper
{
    private static readonly string[] Variants = ["secondary", "secondary-solid", "reverse", "warning", "login"];

    /// <summary>None for the primary (green) button; else secondary, secondary-solid, reverse, warning or login.</summary>
    public string? Variant { get; set; }

    public string? Href { get; set; }

    /// <summary>submit (the default), button or reset; not for a link.</summary>
    public string Type { get; set; } = "submit";

    public bool Small { get; set; }

    /// <summary>The frontend's script ignores a second click within a second (a form sent twice by a double click).</summary>
    public bool PreventDoubleClick { get; set; }

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var encoder = HtmlEncoder.Default;
        output.TagMode = TagMode.StartTagAndEndTag;
        output.AddClass("nhsuk-button", encoder);
        if (!string.IsNullOrEmpty(Variant))
        {
            output.AddClass(Variants.Contains(Variant)
                ? "nhsuk-button--" + Variant
                : throw new InvalidOperationException($"'{Variant}' is not a button variant of the design system."), encoder);
        }
        if (Small)
        {
            output.AddClass("nhsuk-button--small", encoder);
        }
        output.Attributes.SetAttribute("data-module", "nhsuk-button");
        if (PreventDoubleClick)
        {
            output.Attributes.SetAttribute("data-prevent-double-click", "true");
        }
        if (Href is not null)
        {
            output.TagName = "a";
            output.Attributes.SetAttribute("href", Href);
            output.Attributes.SetAttribute("role", "button");
            output.Attributes.SetAttribute("draggable", "false");
        }
        else
        {
            output.TagName = "button";
            output.Attributes.SetAttribute("type", Type);
        }
    }
}
