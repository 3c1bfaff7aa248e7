using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Web;

namespace Platform.Crypto.Tests.Infrastructure;

/// <summary>
/// Plays a <see cref="KeyVaultRecording"/> back in order, asserting that each request is exactly the recorded one:
/// method, host, path, query (api-version), bearer token and JSON body. Plug it in with
/// <c>new HttpClientTransport(handler)</c>.
/// </summary>
public sealed class ReplayKeyVaultHandler(KeyVaultRecording recording, string expectedHost, string expectedToken) : HttpMessageHandler
{
    private readonly Queue<RecordedExchange> _remaining = new(recording.Exchanges);

    /// <summary>Requests seen, for tests that look further (e.g. headers).</summary>
    public List<HttpRequestMessage> Requests { get; } = [];

    public void AssertAllExchangesPlayed() =>
        Assert.True(_remaining.Count == 0, $"{_remaining.Count} recorded exchange(s) were never requested: "
            + string.Join(", ", _remaining.Select(e => $"{e.Request.Method} {e.Request.Path}")));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        var actual = $"{request.Method} {request.RequestUri!.AbsolutePath}";
        Assert.True(_remaining.Count > 0, $"Unexpected request after the recording ended: {actual}");
        var exchange = _remaining.Dequeue();
        var expected = exchange.Request;

        Assert.Equal($"{expected.Method} {expected.Path}", actual);
        Assert.Equal("https", request.RequestUri.Scheme);
        Assert.Equal(expectedHost, request.RequestUri.Host);
        var query = HttpUtility.ParseQueryString(request.RequestUri.Query);
        Assert.Equal(expected.Query.OrderBy(p => p.Key), query.AllKeys.Select(k => new KeyValuePair<string, string>(k!, query[k]!)).OrderBy(p => p.Key));
        Assert.Equal("Bearer", request.Headers.Authorization?.Scheme);
        Assert.Equal(expectedToken, request.Headers.Authorization?.Parameter);

        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        if (expected.Body is null)
        {
            Assert.Equal("", body);
        }
        else
        {
            Assert.Equal("application/json", request.Content!.Headers.ContentType?.MediaType);
            var sent = JsonNode.Parse(body);
            Assert.True(JsonNode.DeepEquals(expected.Body, sent),
                $"{actual}: body {sent?.ToJsonString()} differs from recorded {expected.Body.ToJsonString()}");
        }

        var response = new HttpResponseMessage((HttpStatusCode)exchange.Response.Status)
        {
            RequestMessage = request,
            Content = new StringContent(exchange.Response.Body?.ToJsonString() ?? "", Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in exchange.Response.Headers)
        {
            if (!name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }
        }
        return response;
    }
}
