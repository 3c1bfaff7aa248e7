using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Identity.Credentials;

namespace Platform.Wallet.Cli;

/// <summary>
/// The identity service seen from the wallet: issuer metadata, the optional OpenID4VCI nonce, credential requests and
/// the status list. Failures become one-line <see cref="CliException"/>s (problem+json summarised; never a token).
/// </summary>
internal sealed class IssuerClient(HttpClient http, string issuer)
{
    public const string CredentialPath = "/credentials/verified-identity";
    public const string CredentialIssuerMetadataPath = "/.well-known/openid-credential-issuer";
    public const string NoncePath = "/credentials/nonce";

    public string Issuer { get; } = issuer;

    /// <summary>Normalises an <c>--issuer</c> value (no trailing <c>/</c>) and checks it can name an SD-JWT VC issuer.</summary>
    /// <exception cref="CliException">Usage error.</exception>
    public static string NormaliseIssuer(string value)
    {
        var issuer = value.TrimEnd('/');
        try
        {
            _ = JwtVcIssuerMetadata.MetadataUri(issuer);
        }
        catch (ArgumentException)
        {
            throw CliException.Usage($"--issuer '{value}' must be an https URL (http only on localhost) without query or fragment.");
        }
        return issuer;
    }

    /// <summary>GET <c>/.well-known/jwt-vc-issuer</c>: the issuer's signing keys.</summary>
    public async Task<JwtVcIssuerMetadata> GetMetadataAsync(CancellationToken cancellationToken)
    {
        var uri = JwtVcIssuerMetadata.MetadataUri(Issuer);
        var json = await GetStringAsync(uri, "application/json", cancellationToken).ConfigureAwait(false);
        try
        {
            return JwtVcIssuerMetadata.Parse(json, Issuer);
        }
        catch (FormatException ex)
        {
            throw CliException.Failure($"the issuer metadata at {uri} is not usable: {ex.Message}");
        }
    }

    /// <summary>
    /// A fresh <c>c_nonce</c> when the issuer offers one (OpenID4VCI: POST to the <c>nonce_endpoint</c> of
    /// <c>/.well-known/openid-credential-issuer</c>, else to <c>/credentials/nonce</c>); null when it does not.
    /// </summary>
    public async Task<string?> TryGetNonceAsync(CancellationToken cancellationToken)
    {
        var metadataUri = new Uri(Issuer + CredentialIssuerMetadataPath);
        Uri? advertised = null;
        using (var metadata = await SendAsync(new HttpRequestMessage(HttpMethod.Get, metadataUri), cancellationToken).ConfigureAwait(false))
        {
            if (metadata.IsSuccessStatusCode
                && TryParseObject(await metadata.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)) is { } document
                && document["nonce_endpoint"] is JsonValue endpointValue && endpointValue.GetValueKind() == JsonValueKind.String
                && Uri.TryCreate(endpointValue.GetValue<string>(), UriKind.Absolute, out var endpointUri))
            {
                advertised = endpointUri;
            }
        }
        // Without metadata, the conventional place on this platform's issuer; absent (404/405) means "no nonce".
        var endpoint = advertised ?? new Uri(Issuer + NoncePath);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, endpoint), cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return advertised is null ? null : throw CliException.Failure(Describe("POST", endpoint, response, body));
        }
        if (TryParseObject(body)?["c_nonce"] is JsonValue nonce && nonce.GetValueKind() == JsonValueKind.String)
        {
            return nonce.GetValue<string>();
        }
        return advertised is null ? null : throw CliException.Failure($"the nonce endpoint {endpoint} answered without a c_nonce.");
    }

    /// <summary>POST <c>/credentials/verified-identity</c> with the bearer token and the proof; the compact SD-JWT VC.</summary>
    public async Task<string> RequestCredentialAsync(string accessToken, string proof, CancellationToken cancellationToken)
    {
        var uri = new Uri(Issuer + CredentialPath);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new StringContent(new JsonObject { ["proof"] = proof }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw CliException.Failure(Describe("POST", uri, response, body));
        }
        return TryParseObject(body)?["credential"] is JsonValue credential && credential.GetValueKind() == JsonValueKind.String
            ? credential.GetValue<string>()
            : throw CliException.Failure($"POST {uri} answered without a 'credential'.");
    }

    /// <summary>GET of a status list token (<c>statuslist+jwt</c>).</summary>
    public Task<string> GetStatusListAsync(Uri uri, CancellationToken cancellationToken) =>
        GetStringAsync(uri, "application/statuslist+jwt", cancellationToken);

    private async Task<string> GetStringAsync(Uri uri, string accept, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? body.Trim() : throw CliException.Failure(Describe("GET", uri, response, body));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            try
            {
                return await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw CliException.Failure($"cannot reach {request.RequestUri}: {OneLine(ex.Message)}");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw CliException.Failure($"{request.Method} {request.RequestUri} timed out.");
            }
        }
    }

    /// <summary>"POST uri: HTTP 409 not_verified: There is no approved KYC case" from a problem+json (or plain) answer.</summary>
    private static string Describe(string method, Uri uri, HttpResponseMessage response, string body)
    {
        var text = new StringBuilder($"{method} {uri} failed: HTTP {(int)response.StatusCode}");
        var problem = TryParseObject(body);
        var code = Text(problem, "code") ?? Text(problem, "error");
        var detail = Text(problem, "detail") ?? Text(problem, "error_description") ?? Text(problem, "title");
        if (code is not null)
        {
            text.Append(' ').Append(code);
        }
        if (detail is not null)
        {
            text.Append(": ").Append(OneLine(detail));
        }
        else if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            text.Append(": the access token was refused (expired, or issued without the 'kyc' scope?)");
        }
        else if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            text.Append(": not allowed for this account");
        }
        else
        {
            text.Append(' ').Append(response.ReasonPhrase);
        }
        return text.ToString();
    }

    private static JsonObject? TryParseObject(string text)
    {
        try
        {
            return JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonObject? obj, string name) =>
        obj?[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
