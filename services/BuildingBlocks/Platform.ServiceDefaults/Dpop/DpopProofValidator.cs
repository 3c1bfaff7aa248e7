using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Platform.ServiceDefaults.Dpop;

/// <summary>
/// Checks a DPoP proof (RFC 9449 §4.3): one compact JWS, <c>typ: dpop+jwt</c>, an asymmetric <c>alg</c> from
/// <see cref="Algorithms"/>, a public <c>jwk</c> in the header that verifies the signature, <c>jti</c> never seen before
/// (<see cref="IDpopReplayCache"/>), <c>htm</c> and <c>htu</c> equal to this request's method and URL (without query and
/// fragment), <c>iat</c> within <see cref="Window"/> of now, <c>ath</c> = base64url(SHA-256(access token)) when an access
/// token is presented, and the server's <c>nonce</c> when the caller demands one. Returns the key's RFC 7638 thumbprint.
/// </summary>
public sealed class DpopProofValidator(IDpopReplayCache replays, TimeProvider time)
{
    public const string HeaderName = "DPoP";
    public const string NonceHeaderName = "DPoP-Nonce";
    public const string Scheme = "DPoP";

    /// <summary>Signature algorithms accepted for proofs (advertised as <c>dpop_signing_alg_values_supported</c>).</summary>
    public static readonly IReadOnlyList<string> Algorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256];

    /// <summary>How far <c>iat</c> may lie from the server's clock (RFC 9449 §11.1 leaves the window to the server).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private static readonly JsonWebTokenHandler Handler = new();

    /// <param name="proofs">Every <c>DPoP</c> header value of the request (exactly one is allowed).</param>
    /// <param name="method">The request's method.</param>
    /// <param name="url">The request's URL (query and fragment are ignored).</param>
    /// <param name="accessToken">The access token presented with the proof, if any (<c>ath</c> is then required).</param>
    /// <param name="nonceIsValid">Checks the <c>nonce</c> claim; null when this server does not use nonces here.</param>
    public async Task<DpopProofResult> ValidateAsync(IReadOnlyList<string?> proofs, string method, Uri url, string? accessToken,
        Func<string?, bool>? nonceIsValid, CancellationToken cancellationToken)
    {
        if (proofs.Count != 1 || string.IsNullOrEmpty(proofs[0]))
        {
            return DpopProofResult.Invalid(proofs.Count == 0 ? "A DPoP proof is required." : "Exactly one DPoP proof is allowed.");
        }
        JsonWebToken token;
        try
        {
            token = new JsonWebToken(proofs[0]);
        }
        catch (ArgumentException)
        {
            return DpopProofResult.Invalid("The DPoP proof is not a compact JWS.");
        }
        if (token.Typ != "dpop+jwt" || !Algorithms.Contains(token.Alg))
        {
            return DpopProofResult.Invalid("The DPoP proof must have typ dpop+jwt and an asymmetric alg.");
        }
        if (!token.TryGetHeaderValue<JsonElement>("jwk", out var jwkJson) || jwkJson.ValueKind != JsonValueKind.Object)
        {
            return DpopProofResult.Invalid("The DPoP proof header carries no jwk.");
        }
        JsonWebKey key;
        try
        {
            key = new JsonWebKey(jwkJson.GetRawText());
        }
        catch (ArgumentException)
        {
            return DpopProofResult.Invalid("The DPoP proof's jwk is not a JWK.");
        }
        if (key.HasPrivateKey || !string.IsNullOrEmpty(key.K) || key.Kty is not ("EC" or "RSA"))
        {
            return DpopProofResult.Invalid("The DPoP proof's jwk must be a public EC or RSA key.");
        }
        var signature = await Handler.ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKey = key,
            ValidAlgorithms = Algorithms,
            ValidTypes = ["dpop+jwt"],
            ValidateIssuer = false,
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            RequireSignedTokens = true,
        }).ConfigureAwait(false);
        if (!signature.IsValid)
        {
            return DpopProofResult.Invalid("The DPoP proof's signature does not verify with its jwk.");
        }
        if (!token.TryGetPayloadValue<string>("jti", out var jti) || string.IsNullOrEmpty(jti) || jti.Length > 256 ||
            !token.TryGetPayloadValue<string>("htm", out var htm) || !token.TryGetPayloadValue<string>("htu", out var htu) ||
            !token.TryGetPayloadValue<long>("iat", out var iat))
        {
            return DpopProofResult.Invalid("The DPoP proof must carry jti, htm, htu and iat.");
        }
        if (!string.Equals(htm, method, StringComparison.Ordinal))
        {
            return DpopProofResult.Invalid("The DPoP proof is for another HTTP method.");
        }
        if (!Uri.TryCreate(htu, UriKind.Absolute, out var proofUrl) || !SameTarget(proofUrl, url))
        {
            return DpopProofResult.Invalid("The DPoP proof is for another URL.");
        }
        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(iat);
        if ((time.GetUtcNow() - issuedAt).Duration() > Window)
        {
            return DpopProofResult.Invalid("The DPoP proof is too old or from the future.");
        }
        if (accessToken is not null)
        {
            var expected = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(accessToken)));
            if (!token.TryGetPayloadValue<string>("ath", out var ath) || !CryptographicOperations.FixedTimeEquals(
                    Encoding.ASCII.GetBytes(ath ?? ""), Encoding.ASCII.GetBytes(expected)))
            {
                return DpopProofResult.Invalid("The DPoP proof's ath does not match the access token.");
            }
        }
        if (nonceIsValid is not null && !nonceIsValid(token.TryGetPayloadValue<string>("nonce", out var nonce) ? nonce : null))
        {
            return DpopProofResult.NonceRequired();
        }
        // Last, so a proof refused for any other reason does not use up its jti.
        if (!await replays.TryAddAsync(jti, issuedAt + Window + Window, cancellationToken).ConfigureAwait(false))
        {
            return DpopProofResult.Invalid("The DPoP proof has been used before.");
        }
        return DpopProofResult.Valid(Base64Url.EncodeToString(key.ComputeJwkThumbprint()));
    }

    /// <summary>RFC 9449 §4.3 step 9: compare scheme, host, port and path (RFC 3986 normalised), ignoring query and fragment.</summary>
    private static bool SameTarget(Uri proof, Uri request) =>
        Uri.Compare(proof, request, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
        && string.Equals(proof.AbsolutePath, request.AbsolutePath, StringComparison.Ordinal);
}
