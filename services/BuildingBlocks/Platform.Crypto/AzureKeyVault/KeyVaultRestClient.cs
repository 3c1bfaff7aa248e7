using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;

namespace Platform.Crypto.AzureKeyVault;

/// <summary>
/// The few Key Vault key operations this platform needs, as plain REST over an Azure.Core pipeline
/// (retries honouring Retry-After, bearer token for <see cref="AzureKeyVaultOptions.Scope"/>).
/// Azure.Security.KeyVault.Keys is not available to this project.
/// </summary>
internal sealed class KeyVaultRestClient
{
    private readonly HttpPipeline _pipeline;
    private readonly Uri _vault;
    private readonly string _apiVersion;

    public KeyVaultRestClient(AzureKeyVaultOptions options, TokenCredential credential, HttpPipelineTransport? transport)
    {
        var clientOptions = new PipelineOptions();
        if (transport is not null)
        {
            clientOptions.Transport = transport;
        }
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Delay = options.RetryDelay;
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        // Bodies carry wrapped keys, clear data keys (unwrap responses) and signatures: never log them.
        clientOptions.Diagnostics.IsLoggingContentEnabled = false;
        _pipeline = HttpPipelineBuilder.Build(clientOptions, [], [new BearerTokenAuthenticationPolicy(credential, options.Scope)],
            new ResponseClassifier());
        _vault = new Uri(options.VaultUri!.GetLeftPart(UriPartial.Authority));
        _apiVersion = options.ApiVersion;
    }

    public Uri Vault => _vault;

    /// <summary>
    /// Sends <c>{method} {vault}/keys/{keyName}/{pathAfterName...}?api-version=...</c> with an optional JSON body.
    /// Returns the parsed body, or null for 404 when <paramref name="notFoundIsNull"/>.
    /// </summary>
    /// <exception cref="KeyVaultRequestException">Any other non-success status.</exception>
    public async Task<JsonDocument?> SendAsync(RequestMethod method, string operation, string keyName, string[] pathAfterName,
        JsonObject? body, bool notFoundIsNull, CancellationToken cancellationToken)
    {
        using var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(_vault);
        request.Uri.AppendPath("/keys/", escape: false);
        request.Uri.AppendPath(keyName, escape: true);
        foreach (var segment in pathAfterName)
        {
            request.Uri.AppendPath("/", escape: false);
            request.Uri.AppendPath(segment, escape: true);
        }
        request.Uri.AppendQuery("api-version", _apiVersion, escapeValue: true);
        request.Headers.Add(HttpHeader.Common.JsonAccept);
        if (body is not null)
        {
            request.Headers.Add(HttpHeader.Common.JsonContentType);
            request.Content = RequestContent.Create(Serialize(body));
        }

        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationFailedException ex)
        {
            throw new KeyProviderException($"Key Vault {operation} for key '{keyName}': no access token could be obtained.", ex);
        }
        catch (Exception ex) when (ex is RequestFailedException or AggregateException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Transport failures, per-try timeouts, and Azure.Core's AggregateException once every retry has failed.
            throw new KeyProviderException($"Key Vault {operation} for key '{keyName}': {_vault.Host} could not be reached.", ex);
        }

        var response = message.Response;
        if (response.Status is >= 200 and < 300)
        {
            try
            {
                // Copy: the document must outlive the response buffer, which goes with the message.
                return JsonDocument.Parse(response.Content.ToArray());
            }
            catch (JsonException ex)
            {
                throw new KeyProviderException($"Key Vault {operation} for key '{keyName}' returned a body that is not JSON.", ex);
            }
        }
        if (response.Status == 404 && notFoundIsNull)
        {
            return null;
        }
        var (code, serviceMessage) = ReadError(response);
        throw new KeyVaultRequestException(operation, keyName, response.Status, code, serviceMessage, ReadRetryAfter(response));
    }

    private static BinaryData Serialize(JsonObject body)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            body.WriteTo(writer);
        }
        return new BinaryData(buffer.ToArray());
    }

    /// <summary>Key Vault errors look like <c>{"error":{"code":"Forbidden","message":"..."}}</c>.</summary>
    private static (string? Code, string? Message) ReadError(Response response)
    {
        try
        {
            using var document = JsonDocument.Parse(response.Content.ToMemory());
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                return (error.TryGetProperty("code", out var c) ? c.GetString() : null,
                        error.TryGetProperty("message", out var m) ? m.GetString() : null);
            }
        }
        catch (JsonException)
        {
            // Gateways in front of Key Vault can answer with HTML or nothing; the status alone must do.
        }
        return (null, null);
    }

    /// <summary>
    /// Azure services may send <c>retry-after-ms</c> / <c>x-ms-retry-after-ms</c>; the standard Retry-After is either
    /// delta-seconds or an HTTP date (RFC 9110 10.2.3).
    /// </summary>
    private static TimeSpan? ReadRetryAfter(Response response)
    {
        foreach (var name in (string[])["retry-after-ms", "x-ms-retry-after-ms"])
        {
            if (response.Headers.TryGetValue(name, out var ms)
                && int.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
            {
                return TimeSpan.FromMilliseconds(milliseconds);
            }
        }
        if (!response.Headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    private sealed class PipelineOptions : ClientOptions;
}
