using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.Extensions.Localization;

namespace Platform.Identity.Text;

/// <summary>
/// A sentence from the resource file with markup in it (a <c>&lt;code&gt;</c>, a link, an element a test finds by id):
/// the sentence is one entry with {0}, {1}… where the markup goes, so a translator can move it; the sentence is
/// HTML-encoded, the parts are written as they are when they are HTML (<see cref="Element"/>, <see cref="Link"/>) and encoded otherwise.
/// </summary>
public static class HtmlText
{
    public static IHtmlContent Format(LocalizedString sentence, params object?[] parts)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        var encoded = HtmlEncoder.Default.Encode(sentence.Value);
        return new HtmlContentBuilder().AppendFormat(System.Globalization.CultureInfo.CurrentCulture, encoded, parts);
    }

    /// <summary>One element around text (encoded), for a part of <see cref="Format"/>: <c>&lt;em&gt;</c>, <c>&lt;code&gt;</c>, <c>&lt;strong id="…"&gt;</c>.</summary>
    public static IHtmlContent Element(string tag, string text, string? id = null)
    {
        var element = new TagBuilder(tag);
        if (id is not null)
        {
            element.Attributes["id"] = id;
        }
        element.InnerHtml.Append(text);
        return element;
    }

    /// <summary>A link around text (encoded), for a part of <see cref="Format"/>.</summary>
    public static IHtmlContent Link(string href, string text, string? cssClass = null)
    {
        var link = new TagBuilder("a");
        if (cssClass is not null)
        {
            link.AddCssClass(cssClass);
        }
        link.Attributes["href"] = href;
        link.InnerHtml.Append(text);
        return link;
    }
}
