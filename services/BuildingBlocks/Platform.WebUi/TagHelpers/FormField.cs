using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Platform.WebUi.Text;

namespace Platform.WebUi.TagHelpers;

/// <summary>
/// What an input and a textarea share: the NHS.UK form group (label, hint, error message, then the control), the
/// name, id and value taken from <c>asp-for</c> when given, and the error from the page's own text or ModelState.
/// Attributes the tag helper does not know (required, maxlength, autocomplete, accept, capture, ...) go onto the control.
/// </summary>
public abstract class FormField : TagHelper
{
    [HtmlAttributeName("asp-for")]
    public ModelExpression? For { get; set; }

    public string? Id { get; set; }

    public string? Name { get; set; }

    public string? Value { get; set; }

    /// <summary>The label's text (required: every control is labelled).</summary>
    public string Label { get; set; } = "";

    /// <summary>The label's size, <c>s</c> to <c>xl</c>; none for the body size.</summary>
    public string? LabelSize { get; set; }

    /// <summary>Plain-text hint; the element's content, when there is any, is the hint as HTML instead.</summary>
    public string? Hint { get; set; }

    /// <summary>The error to show; when unset, the first ModelState error of the field, if any.</summary>
    public string? Error { get; set; }

    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = default!;

    protected string FieldName => Name ?? (For is null ? "" : ViewContext.ViewData.TemplateInfo.GetFullHtmlFieldName(For.Name));

    protected string FieldId => Id ?? (FieldName.Length > 0 ? TagBuilder.CreateSanitizedId(FieldName, "_") : throw new InvalidOperationException("A form field needs an id, a name or asp-for."));

    /// <summary>What the control shows: what was typed (a form sent back with errors), else the model's value.</summary>
    protected string? CurrentValue(string? format = null)
    {
        if (Value is not null)
        {
            return Value;
        }
        if (FieldName.Length > 0 && ViewContext.ViewData.ModelState.TryGetValue(FieldName, out var entry) && entry.AttemptedValue is not null)
        {
            return entry.AttemptedValue;
        }
        return For?.Model switch
        {
            null => null,
            DateOnly date => date.ToString(format ?? "yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateTime time => time.ToString(format ?? "yyyy-MM-dd", CultureInfo.InvariantCulture),
            IFormattable formattable => formattable.ToString(format, CultureInfo.InvariantCulture),
            var model => model.ToString(),
        };
    }

    private string? ErrorText()
    {
        if (!string.IsNullOrEmpty(Error))
        {
            return Error;
        }
        return FieldName.Length > 0 && ViewContext.ViewData.ModelState.TryGetValue(FieldName, out var entry) && entry.Errors.Count > 0
            ? entry.Errors[0].ErrorMessage
            : null;
    }

    /// <summary>Renders the group around <paramref name="control"/>, moving the unknown attributes onto it.</summary>
    protected async Task RenderGroupAsync(TagHelperContext context, TagHelperOutput output, TagBuilder control, string errorClass)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (string.IsNullOrWhiteSpace(Label))
        {
            throw new InvalidOperationException($"The form field '{FieldId}' has no label.");
        }
        var id = FieldId;
        var hintHtml = (await output.GetChildContentAsync()).GetContent();
        var hasHint = !string.IsNullOrWhiteSpace(hintHtml) || !string.IsNullOrEmpty(Hint);
        var error = ErrorText();

        var describedBy = new List<string>();
        var label = new TagBuilder("label");
        label.AddCssClass("nhsuk-label");
        if (!string.IsNullOrEmpty(LabelSize))
        {
            label.AddCssClass("nhsuk-label--" + Sizes.Check(LabelSize));
        }
        label.Attributes["for"] = id;
        label.InnerHtml.Append(Label);

        var group = new HtmlContentBuilder();
        group.AppendHtml(label);
        if (hasHint)
        {
            var hint = new TagBuilder("div");
            hint.AddCssClass("nhsuk-hint");
            hint.Attributes["id"] = id + "-hint";
            if (!string.IsNullOrWhiteSpace(hintHtml))
            {
                hint.InnerHtml.AppendHtml(hintHtml);
            }
            else
            {
                hint.InnerHtml.Append(Hint!);
            }
            group.AppendHtml(hint);
            describedBy.Add(id + "-hint");
        }
        if (error is not null)
        {
            group.AppendHtml(ErrorMessage(id + "-error", error));
            describedBy.Add(id + "-error");
            control.AddCssClass(errorClass);
        }

        control.Attributes["id"] = id;
        if (FieldName.Length > 0)
        {
            control.Attributes["name"] = FieldName;
        }
        foreach (var attribute in output.Attributes)
        {
            if (attribute.Name.Equals("aria-describedby", StringComparison.OrdinalIgnoreCase))
            {
                describedBy.Add(Convert.ToString(attribute.Value, CultureInfo.InvariantCulture)!);
            }
            else if (attribute.Name.Equals("class", StringComparison.OrdinalIgnoreCase))
            {
                control.AddCssClass(Convert.ToString(attribute.Value, CultureInfo.InvariantCulture)!);
            }
            else if (attribute.ValueStyle == HtmlAttributeValueStyle.Minimized)
            {
                control.Attributes[attribute.Name] = attribute.Name;
            }
            else
            {
                control.Attributes[attribute.Name] = Convert.ToString(attribute.Value, CultureInfo.InvariantCulture);
            }
        }
        if (describedBy.Count > 0)
        {
            control.Attributes["aria-describedby"] = string.Join(' ', describedBy);
        }
        group.AppendHtml(control);

        output.TagName = "div";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.Attributes.Clear();
        output.Attributes.SetAttribute("class", error is null ? "nhsuk-form-group" : "nhsuk-form-group nhsuk-form-group--error");
        output.Content.SetHtmlContent(group);
    }

    /// <summary>The error message, with the visually hidden "Error:" that tells a screen reader what it is.</summary>
    internal static TagBuilder ErrorMessage(string id, string message)
    {
        var span = new TagBuilder("span");
        span.AddCssClass("nhsuk-error-message");
        span.Attributes["id"] = id;
        var prefix = new TagBuilder("span");
        prefix.AddCssClass("nhsuk-u-visually-hidden");
        prefix.InnerHtml.Append(WebUiText.ErrorPrefix + ": ");
        span.InnerHtml.AppendHtml(prefix);
        span.InnerHtml.Append(message);
        return span;
    }
}
