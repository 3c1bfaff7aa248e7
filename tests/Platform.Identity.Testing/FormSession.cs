using System.Net;
using System.Text.RegularExpressions;

namespace Platform.Identity.Testing;

/// <summary>
/// A cookie-keeping HTTP client that fills in the server-rendered forms the way a browser without JavaScript
/// would: reads the hidden inputs (antiforgery token, return URL), adds the typed fields, posts, and follows
/// local redirects one at a time so a test can assert each step.
/// </summary>
public sealed partial class FormSession : IDisposable
{
    private readonly HttpClient _http;

    /// <param name="baseAddress">The server.</param>
    /// <param name="sourceAddress">
    /// The local address to connect from (another loopback address, 127.0.0.2, to be "another source"); the default
    /// lets the system choose.
    /// </param>
    public FormSession(Uri baseAddress, IPAddress? sourceAddress = null)
    {
        Cookies = new CookieContainer();
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = Cookies, UseCookies = true };
        if (sourceAddress is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(sourceAddress, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }
        _http = new HttpClient(handler) { BaseAddress = baseAddress };
    }

    public CookieContainer Cookies { get; }

    public HttpClient Http => _http;

    public Task<HttpResponseMessage> GetAsync(string url) => _http.GetAsync(url);

    /// <summary>Loads the page at <paramref name="pageUrl"/>, then submits its first form with the given fields.</summary>
    public async Task<HttpResponseMessage> SubmitAsync(string pageUrl, IDictionary<string, string> fields, string? button = null)
    {
        using var page = await _http.GetAsync(pageUrl);
        var html = await page.Content.ReadAsStringAsync();
        if (page.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {pageUrl} answered {(int)page.StatusCode}: {html[..Math.Min(html.Length, 400)]}");
        }
        return await SubmitHtmlFormAsync(pageUrl, html, fields, button);
    }

    public Task<HttpResponseMessage> SubmitHtmlFormAsync(string pageUrl, string html, IDictionary<string, string> fields, string? button = null) =>
        SubmitHtmlFormAsync(pageUrl, html, fields.ToList(), button, formIndex: 0);

    /// <summary>
    /// Submits the form number <paramref name="formIndex"/> on the page: its own hidden inputs, then
    /// <paramref name="fields"/> (a name may repeat, as checkboxes do), then the pressed button.
    /// </summary>
    public async Task<HttpResponseMessage> SubmitHtmlFormAsync(
        string pageUrl, string html, IReadOnlyList<KeyValuePair<string, string>> fields, string? button, int formIndex)
    {
        var forms = FormTag().Matches(html);
        if (forms.Count <= formIndex)
        {
            throw new InvalidOperationException($"No form {formIndex} on {pageUrl}.");
        }
        var form = forms[formIndex];
        var end = html.IndexOf("</form>", form.Index, StringComparison.OrdinalIgnoreCase);
        var formHtml = html[form.Index..(end < 0 ? html.Length : end)];
        var action = Attribute(form.Value, "action");
        var target = string.IsNullOrEmpty(action) ? pageUrl : WebUtility.HtmlDecode(action);
        if (!Uri.IsWellFormedUriString(target, UriKind.Absolute) && Uri.IsWellFormedUriString(pageUrl, UriKind.Absolute))
        {
            target = new Uri(new Uri(pageUrl), target).AbsoluteUri;
        }
        var names = fields.Select(f => f.Key).ToHashSet(StringComparer.Ordinal);
        var values = new List<KeyValuePair<string, string>>();
        foreach (Match input in InputTag().Matches(formHtml))
        {
            if (Attribute(input.Value, "type") == "hidden" && Attribute(input.Value, "name") is { } name && !names.Contains(name))
            {
                values.Add(new(name, WebUtility.HtmlDecode(Attribute(input.Value, "value") ?? "")));
            }
        }
        values.AddRange(fields);
        if (button is not null)
        {
            values.Add(new(button, "1"));
        }
        using var content = new FormUrlEncodedContent(values);
        return await _http.PostAsync(target, content);
    }

    /// <summary>The redirect target of a 302, as a string (relative for local pages).</summary>
    public static string Location(HttpResponseMessage response)
    {
        if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther))
        {
            var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            throw new InvalidOperationException($"Expected a redirect, got {(int)response.StatusCode}: {body[..Math.Min(body.Length, 600)]}");
        }
        var location = response.Headers.Location!;
        return location.IsAbsoluteUri ? location.AbsoluteUri : location.OriginalString;
    }

    private static string? Attribute(string tag, string name)
    {
        var match = Regex.Match(tag, $"\\s{name}=\"([^\"]*)\"", RegexOptions.IgnoreCase);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex("<form[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex FormTag();

    [GeneratedRegex("<input[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputTag();

    public void Dispose() => _http.Dispose();
}
