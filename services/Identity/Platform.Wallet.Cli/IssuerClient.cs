using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Identity.Credentials;

namespace Platform.Wallet.Cli;

/// <summary>
/// The identity service seen from the wallet, through OpenID4VCI 1.0: credential issuer metadata, the authorization
/// server's metadata and token endpoint (pre-authorized code and authorization code grants), the nonce endpoint, the credential and notification endpoints,
/// the SD-JWT VC issuer keys and the status list. Failures become one-line <see cref="CliException"/>s
/// (problem+json or OAuth errors summarised; never a token or a code).
/// </summary>
internal sealed class IssuerClient(HttpClient http, string issuer)
{
    public const string CredentialIssuerMetadataPath = "/.well-known/openid-credential-issuer";
    public const string AuthorizationServerMetadataPath = "/.well-known/oauth-authorization-server";
    public const string VerifiedIdentityConfigurationId = "verified_identity_sd_jwt";

    public string Issuer { get; } = issuer;

    /// <summary>
    /// Checks an issuer identifier (https, or http on loopback; no query or fragment) and writes it as a URL:
    /// a bare origin gains its <c>/</c> path (RFC 3986 §6.2.3: the same URL), which is how the issuer writes itself.
    /// </summary>
    /// <exception cref="CliException">Usage error.</exception>
    public static string NormaliseIssuer(string value)
    {
        try
        {
            _ = JwtVcIssuerMetadata.MetadataUri(value);
            return new Uri(value, UriKind.Absolute).AbsoluteUri;
        }
        catch (Exception ex) when (ex is ArgumentException or UriFormatException)
        {
            throw CliException.Usage($"--issuer '{value}' must be an https URL (http only on localhost) without query or fragment.");
        }
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

    /// <summary>The credential issuer metadata (OpenID4VCI §12.2); its <c>credential_issuer</c> must be exactly this issuer.</summary>
    public async Task<JsonObject> GetCredentialIssuerMetadataAsync(CancellationToken cancellationToken)
    {
        var uri = WellKnownUri.For(Issuer, CredentialIssuerMetadataPath);
        var document = TryParseObject(await GetStringAsync(uri, "application/json", cancellationToken).ConfigureAwait(false))
            ?? throw CliException.Failure($"the credential issuer metadata at {uri} is not a JSON object.");
        // §12.2.4: compared as plain strings; a mismatch means the document must not be used.
        if (Text(document, "credential_issuer") != Issuer)
        {
            throw CliException.Failure($"the credential issuer metadata at {uri} names another issuer ({Text(document, "credential_issuer")}).");
        }
        if (Text(document, "credential_endpoint") is null)
        {
            throw CliException.Failure($"the credential issuer metadata at {uri} has no credential_endpoint.");
        }
        return document;
    }

    /// <summary>The issuer's authorization server (its <c>authorization_servers</c>, else the issuer itself) from its RFC 8414 metadata.</summary>
    public async Task<AuthorizationServer> GetAuthorizationServerAsync(JsonObject credentialIssuerMetadata, CancellationToken cancellationToken)
    {
        var server = (credentialIssuerMetadata["authorization_servers"] as JsonArray)?.OfType<JsonValue>().Select(v => v.ToString()).FirstOrDefault() ?? Issuer;
        var uri = WellKnownUri.For(server, AuthorizationServerMetadataPath);
        var document = TryParseObject(await GetStringAsync(uri, "application/json", cancellationToken).ConfigureAwait(false))
            ?? throw CliException.Failure($"the authorization server metadata at {uri} is not a JSON object.");
        // RFC 8414 §3.3: the issuer must be identical to the identifier the metadata was fetched for.
        if (Text(document, "issuer") != server)
        {
            throw CliException.Failure($"the authorization server metadata at {uri} names another issuer ({Text(document, "issuer")}).");
        }
        var token = Uri.TryCreate(Text(document, "token_endpoint"), UriKind.Absolute, out var t) ? t
            : throw CliException.Failure($"the authorization server metadata at {uri} has no token_endpoint.");
        Uri? authorization = Uri.TryCreate(Text(document, "authorization_endpoint"), UriKind.Absolute, out var a) ? a : null;
        var issParameter = document["authorization_response_iss_parameter_supported"] is JsonValue v && v.GetValueKind() == JsonValueKind.True;
        return new AuthorizationServer(server, authorization, token, issParameter);
    }

    /// <summary>The pre-authorized code (and transaction code) for an access token at the token endpoint, as an anonymous client.</summary>
    public Task<TokenResponse> RedeemPreAuthorizedCodeAsync(Uri tokenEndpoint, string code, string? txCode, CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = CredentialOffer.PreAuthorizedGrant, ["pre-authorized_code"] = code };
        if (txCode is not null)
        {
            form["tx_code"] = txCode;
        }
        return RequestTokenAsync(tokenEndpoint, form, cancellationToken);
    }

    /// <summary>The authorization code with its PKCE verifier (RFC 7636) for an access token, as the public client <paramref name="clientId"/>.</summary>
    public async Task<TokenResponse> RedeemAuthorizationCodeAsync(Uri tokenEndpoint, string clientId, string code, Uri redirectUri, string codeVerifier,
        CancellationToken cancellationToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = CredentialOffer.AuthorizationCodeGrant,
            ["client_id"] = clientId,
            ["code"] = code,
            ["redirect_uri"] = redirectUri.AbsoluteUri,
            ["code_verifier"] = codeVerifier,
        };
        try
        {
            return await RequestTokenAsync(tokenEndpoint, form, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException ex) when (ex.Message.Contains(" invalid_grant", StringComparison.Ordinal))
        {
            throw CliException.Failure(ex.Message + " (an authorization code works once and expires within minutes: run receive again)");
        }
    }

    /// <summary>POST to the token endpoint: the access token, and the credential identifiers its <c>authorization_details</c> grant (§6.2).</summary>
    private async Task<TokenResponse> RequestTokenAsync(Uri tokenEndpoint, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw CliException.Failure(Describe("POST", tokenEndpoint, response, body));
        }
        var answer = TryParseObject(body);
        var accessToken = Text(answer, "access_token") ?? throw CliException.Failure($"POST {tokenEndpoint} answered without an access_token.");
        var identifiers = (answer?["authorization_details"] as JsonArray)?.OfType<JsonObject>()
            .Where(d => Text(d, "type") == "openid_credential" && Text(d, "credential_configuration_id") == VerifiedIdentityConfigurationId)
            .SelectMany(d => (d["credential_identifiers"] as JsonArray)?.OfType<JsonValue>() ?? [])
            .Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()).ToList() ?? [];
        return new TokenResponse(accessToken, identifiers);
    }

    /// <summary>A fresh <c>c_nonce</c> from the metadata's <c>nonce_endpoint</c>; null when the issuer has none (§7).</summary>
    public async Task<string?> GetNonceAsync(JsonObject credentialIssuerMetadata, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(Text(credentialIssuerMetadata, "nonce_endpoint"), UriKind.Absolute, out var endpoint))
        {
            return null;
        }
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, endpoint), cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw CliException.Failure(Describe("POST", endpoint, response, body));
        }
        return Text(TryParseObject(body), "c_nonce") ?? throw CliException.Failure($"the nonce endpoint {endpoint} answered without a c_nonce.");
    }

    /// <summary>POST to the credential endpoint (§8.2) with one <c>jwt</c> proof: the compact SD-JWT VC and the notification id.</summary>
    public async Task<(string Credential, string? NotificationId)> RequestCredentialAsync(JsonObject credentialIssuerMetadata, string configurationId,
        string? credentialIdentifier, string accessToken, string proof, CancellationToken cancellationToken)
    {
        var uri = new Uri(Text(credentialIssuerMetadata, "credential_endpoint")!);
        // §8.2: with credential identifiers granted (authorization_details), the request names one of them instead.
        var body = credentialIdentifier is null
            ? new JsonObject { ["credential_configuration_id"] = configurationId }
            : new JsonObject { ["credential_identifier"] = credentialIdentifier };
        body["proofs"] = new JsonObject { ["jwt"] = new JsonArray(proof) };
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw CliException.Failure(Describe("POST", uri, response, text));
        }
        var answer = TryParseObject(text);
        var credential = (answer?["credentials"] as JsonArray)?.FirstOrDefault() is JsonObject first ? Text(first, "credential") : null;
        return credential is null
            ? throw CliException.Failure($"POST {uri} answered without a credential.")
            : (credential, Text(answer, "notification_id"));
    }

    /// <summary>Tells the issuer what became of the credential (§11); a failure here is reported but loses nothing.</summary>
    public async Task<string?> NotifyAsync(JsonObject credentialIssuerMetadata, string accessToken, string notificationId, string walletEvent,
        CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(Text(credentialIssuerMetadata, "notification_endpoint"), UriKind.Absolute, out var endpoint))
        {
            return null;
        }
        var body = new JsonObject { ["notification_id"] = notificationId, ["event"] = walletEvent };
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode ? null
            : Describe("POST", endpoint, response, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>GET of a <c>credential_offer_uri</c> (§4.1.3): the offer object.</summary>
    public static async Task<JsonObject> GetOfferAsync(HttpClient http, Uri reference, CancellationToken cancellationToken)
    {
        var client = new IssuerClient(http, reference.AbsoluteUri);
        return TryParseObject(await client.GetStringAsync(reference, "application/json", cancellationToken).ConfigureAwait(false))
            ?? throw CliException.Failure($"the credential offer at {reference.GetLeftPart(UriPartial.Path)} is not a JSON object.");
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

/// <summary>What the wallet needs of an RFC 8414 authorization server: its issuer (for RFC 9207's <c>iss</c>) and endpoints.</summary>
internal sealed record AuthorizationServer(string Issuer, Uri? AuthorizationEndpoint, Uri TokenEndpoint, bool IssParameterSupported);

/// <summary>A token response: the access token and the credential identifiers granted with it (none for a plain grant).</summary>
internal sealed record TokenResponse(string AccessToken, IReadOnlyList<string> CredentialIdentifiers)
{
    public override string ToString() => $"TokenResponse {{ {CredentialIdentifiers.Count} credential identifier(s) (token redacted) }}";
}
