using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace Platform.WebUi.Text;

/// <summary>
/// A sentence from a resource file with markup in its places (<c>{0}</c> a link, a <c>&lt;code&gt;</c>): a translator
/// moves the placeholder where the language wants it, and the sentence stays text. The sentence and every plain part
/// are HTML-encoded; only the parts made here (<see cref="Code"/>, <see cref="Link"/>, <see cref="Strong"/>) are markup.
/// </summary>
public static class TextWithMarkup
{
    public static IHtmlContent Format(string sentence, params object?[] parts)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        ArgumentNullException.ThrowIfNull(parts);
        var written = parts.Select(part => part switch
        {
            IHtmlContent html => Render(html),
            null => "",
            var text => HtmlEncoder.Default.Encode(Convert.ToString(text, CultureInfo.CurrentCulture) ?? ""),
        }).ToArray<object>();
        return new HtmlString(string.Format(CultureInfo.CurrentCulture, HtmlEncoder.Default.Encode(sentence), written));
    }

    public static IHtmlContent Code(string text, string? cssClass = null) =>
        new HtmlString($"<code{Class(cssClass)}>{HtmlEncoder.Default.Encode(text)}</code>");

    public static IHtmlContent Strong(string text) => new HtmlString($"<strong>{HtmlEncoder.Default.Encode(text)}</strong>");

    public static IHtmlContent Link(string href, string text, string? cssClass = null) =>
        new HtmlString($"<a href=\"{HtmlEncoder.Default.Encode(href)}\"{Class(cssClass)}>{HtmlEncoder.Default.Encode(text)}</a>");

    /// <summary>A <c>&lt;time&gt;</c>: the machine-readable moment and its words.</summary>
    public static IHtmlContent Time(string datetime, string text) =>
        new HtmlString($"<time datetime=\"{HtmlEncoder.Default.Encode(datetime)}\">{HtmlEncoder.Default.Encode(text)}</time>");

    private static string Class(string? cssClass) => cssClass is null ? "" : $" class=\"{HtmlEncoder.Default.Encode(cssClass)}\"";

    private static string Render(IHtmlContent html)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        html.WriteTo(writer, HtmlEncoder.Default);
        return writer.ToString();
    }
}
