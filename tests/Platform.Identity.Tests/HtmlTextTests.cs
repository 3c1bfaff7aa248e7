using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.Localization;
using Platform.Identity.Text;

namespace Platform.Identity.Tests;

/// <summary>A sentence with markup from the resource file: the sentence and the words in its parts are encoded, the parts' markup is not.</summary>
public sealed class HtmlTextTests
{
    [Fact]
    public void The_sentence_and_the_words_of_its_parts_are_encoded_and_the_parts_markup_is_kept()
    {
        var sentence = new LocalizedString("ConsentHeading", "Allow {0} to <access> your account & more?");
        var html = Render(HtmlText.Format(sentence, HtmlText.Element("span", "<script>alert(1)</script>", id: "client-name")));
        Assert.Equal("Allow <span id=\"client-name\">&lt;script&gt;alert(1)&lt;/script&gt;</span> to &lt;access&gt; your account &amp; more?", html);
    }

    [Fact]
    public void A_part_that_is_not_html_is_encoded_and_a_link_keeps_its_address_and_class()
    {
        var html = Render(HtmlText.Format(new LocalizedString("K", "{0} then {1}"), "<b>", HtmlText.Link("/account/login", "sign in", "nhsuk-link")));
        Assert.Equal("&lt;b&gt; then <a class=\"nhsuk-link\" href=\"/account/login\">sign in</a>", html);
    }

    private static string Render(IHtmlContent content)
    {
        using var writer = new StringWriter();
        content.WriteTo(writer, HtmlEncoder.Default);
        return writer.ToString();
    }
}
