using Platform.ServiceDefaults;

namespace Platform.BuildingBlocks.Tests.ServiceDefaults;

public sealed class DaprApiTokenHandlerTests
{
    [Theory]
    [InlineData("http://127.0.0.1:3500/v1.0/invoke/consent/method/decisions", "sidecar-token", "sidecar-token")]
    [InlineData("http://consent.example:8080/decisions", "sidecar-token", null)]
    [InlineData("http://127.0.0.1:3500/v1.0/publish/pubsub/topic", "sidecar-token", null)]
    [InlineData("http://127.0.0.1:3500/v1.0/invoke/consent/method/decisions", null, null)]
    public async Task The_sidecar_token_goes_only_to_service_invocation_on_the_local_sidecar(string url, string? token, string? expected)
    {
        var seen = new RecordingHandler();
        using var client = new HttpClient(new DaprApiTokenHandler(token) { InnerHandler = seen });

        using var response = await client.GetAsync(url);

        Assert.Equal(expected, seen.Token);
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public string? Token { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Token = request.Headers.TryGetValues("dapr-api-token", out var values) ? values.Single() : null;
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }
}
