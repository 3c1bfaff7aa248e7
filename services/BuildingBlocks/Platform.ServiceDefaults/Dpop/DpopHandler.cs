using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Platform.ServiceDefaults.Dpop;

/// <summary>
/// Sends DPoP proofs for a client (RFC 9449): every request presenting <c>Authorization: DPoP &lt;token&gt;</c> gets a
/// fresh proof carrying the token's hash (<c>ath</c>), and so does every request <paramref name="alsoProve"/> picks
/// (the token endpoint's code exchange and refresh, which carry no token). When the server asks for its nonce
/// (<c>use_dpop_nonce</c>: 400 from a token endpoint, 401 with <c>WWW-Authenticate: DPoP</c> from a resource, §8 and
/// §9) the request is sent once more with a new proof carrying it; the latest nonce of each origin is remembered, so
/// later requests carry it from the start.
/// </summary>
public sealed class DpopHandler(DpopProofKey key, Func<HttpRequestMessage, bool>? alsoProve = null) : DelegatingHandler
{
    private readonly ConcurrentDictionary<string, string> _nonces = new(StringComparer.OrdinalIgnoreCase);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = request.Headers.Authorization is { Scheme: var scheme, Parameter: var parameter }
            && string.Equals(scheme, DpopProofValidator.Scheme, StringComparison.OrdinalIgnoreCase) ? parameter : null;
        if (token is null && alsoProve?.Invoke(request) != true)
        {
            return await base.SendAsync(request, cancellationToken);
        }
        var origin = request.RequestUri!.GetLeftPart(UriPartial.Authority);
        Prove(request, token, _nonces.TryGetValue(origin, out var known) ? known : null);
        if (request.Content is not null)
        {
            // The retry resends the same body.
            await request.Content.LoadIntoBufferAsync(cancellationToken);
        }
        var response = await base.SendAsync(request, cancellationToken);
        var nonce = response.Headers.TryGetValues(DpopProofValidator.NonceHeaderName, out var values) ? values.FirstOrDefault() : null;
        if (nonce is null)
        {
            return response;
        }
        _nonces[origin] = nonce;
        if (!await AsksForNonceAsync(response, cancellationToken))
        {
            return response;
        }
        response.Dispose();
        Prove(request, token, nonce);
        return await base.SendAsync(request, cancellationToken);
    }

    private void Prove(HttpRequestMessage request, string? token, string? nonce)
    {
        request.Headers.Remove(DpopProofValidator.HeaderName);
        request.Headers.Add(DpopProofValidator.HeaderName, key.CreateProof(request.Method, request.RequestUri!, token, nonce));
    }

    private static async Task<bool> AsksForNonceAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return response.Headers.WwwAuthenticate.Any(c =>
                string.Equals(c.Scheme, DpopProofValidator.Scheme, StringComparison.OrdinalIgnoreCase)
                && c.Parameter?.Contains(DpopProofResult.UseNonce, StringComparison.Ordinal) == true);
        }
        if (response.StatusCode != HttpStatusCode.BadRequest || response.Content is null)
        {
            return false;
        }
        try
        {
            // The token endpoint's OAuth error (RFC 6749 §5.2); buffered so a caller can still read it.
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            using var error = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(cancellationToken));
            return error.RootElement.ValueKind == JsonValueKind.Object
                && error.RootElement.TryGetProperty("error", out var code) && code.ValueKind == JsonValueKind.String
                && code.GetString() == DpopProofResult.UseNonce;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
