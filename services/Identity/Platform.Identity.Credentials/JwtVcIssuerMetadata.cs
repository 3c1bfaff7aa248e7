using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Crypto;
using Platform.Crypto.Jose;

namespace Platform.Identity.Credentials;

/// <summary>
/// JWT VC Issuer Metadata (draft-ietf-oauth-sd-jwt-vc): the document at <c>/.well-known/jwt-vc-issuer</c> that tells a
/// verifier which keys sign the issuer's credentials: <c>{"issuer": "...", "jwks": {"keys": [...]}}</c>.
/// </summary>
public sealed class JwtVcIssuerMetadata
{
    /// <summary>Well-known path segment, inserted between the host and the path of the issuer identifier.</summary>
    public const string WellKnownPath = "/.well-known/jwt-vc-issuer";

    public JwtVcIssuerMetadata(string issuer, IEnumerable<P256Jwk> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ValidateIssuer(issuer);
        Issuer = issuer;
        Keys = keys.ToList();
        if (Keys.Count == 0)
        {
            throw new ArgumentException("Issuer metadata needs at least one key.", nameof(keys));
        }
    }

    /// <summary>Identical to the <c>iss</c> of the credentials (the draft requires an exact match).</summary>
    public string Issuer { get; }

    /// <summary>Current and still-valid previous signing keys, so credentials signed before a rotation keep verifying.</summary>
    public IReadOnlyList<P256Jwk> Keys { get; }

    /// <summary>
    /// Where a verifier fetches the metadata of <paramref name="issuer"/>: <c>https://host/.well-known/jwt-vc-issuer/path</c>
    /// for <c>https://host/path</c> (a trailing <c>/</c> of the path dropped).
    /// </summary>
    public static Uri MetadataUri(string issuer)
    {
        var uri = ValidateIssuer(issuer);
        var path = uri.AbsolutePath.TrimEnd('/');
        return new UriBuilder(uri.Scheme, uri.Host, uri.Port, WellKnownPath + path).Uri;
    }

    /// <summary>The JSON document; keys carry <c>kty</c>, <c>crv</c>, <c>x</c>, <c>y</c>, <c>kid</c>, <c>alg</c>, <c>use</c>.</summary>
    public JsonObject ToJson()
    {
        var keys = new JsonArray();
        foreach (var key in Keys)
        {
            keys.Add(JsonSerializer.SerializeToNode(key));
        }
        return new JsonObject
        {
            ["issuer"] = Issuer,
            ["jwks"] = new JsonObject { ["keys"] = keys },
        };
    }

    public string ToJsonString() => CompactJson.Write(ToJson());

    /// <summary>
    /// Reads metadata fetched from <see cref="MetadataUri"/> for <paramref name="expectedIssuer"/>; its <c>issuer</c> must
    /// match exactly, or a metadata document could claim keys for someone else. Keys other than EC P-256 ES256
    /// signing keys are skipped.
    /// </summary>
    /// <exception cref="FormatException">Not metadata, the wrong issuer, or no usable key.</exception>
    public static JwtVcIssuerMetadata Parse(string json, string expectedIssuer)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (CompactJson.TryParse(System.Text.Encoding.UTF8.GetBytes(json), out var valid) is not JsonObject root || !valid)
        {
            throw new FormatException("Issuer metadata is not a JSON object.");
        }
        if (JsonText.Get(root, "issuer") != expectedIssuer)
        {
            throw new FormatException("Issuer metadata names another issuer.");
        }
        if (root.ContainsKey("jwks_uri"))
        {
            throw new FormatException("Issuer metadata by jwks_uri is not supported; expected an inline jwks.");
        }
        if ((root["jwks"] as JsonObject)?["keys"] is not JsonArray keys)
        {
            throw new FormatException("Issuer metadata has no jwks.keys array.");
        }
        var usable = keys.OfType<JsonObject>().Select(P256Jwk.TryRead).OfType<P256Jwk>().ToList();
        return usable.Count > 0
            ? new JwtVcIssuerMetadata(expectedIssuer, usable)
            : throw new FormatException("Issuer metadata has no EC P-256 signing key.");
    }

    /// <summary>
    /// A key lookup for <see cref="SdJwtVerifierOptions.ResolveIssuerKey"/>: this issuer only, by <c>kid</c>; without a
    /// <c>kid</c> only when the set holds exactly one key (never "try every key").
    /// </summary>
    public IssuerKeyResolver ToKeyResolver() => (issuer, keyId, _) =>
    {
        P256Jwk? key = null;
        if (issuer == Issuer)
        {
            key = keyId is null
                ? Keys.Count == 1 ? Keys[0] : null
                : Keys.FirstOrDefault(k => k.Kid == keyId);
        }
        return ValueTask.FromResult(key);
    };

    private static Uri ValidateIssuer(string issuer)
    {
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        // The draft requires an https URL without query or fragment, so the well-known location is unambiguous.
        // Plain http is allowed on loopback only: the dev host and the tests run the issuer on localhost.
        if (!Uri.TryCreate(issuer, UriKind.Absolute, out var uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw new ArgumentException("The issuer must be an https URL (http only on loopback) without query or fragment.", nameof(issuer));
        }
        return uri;
    }
}
