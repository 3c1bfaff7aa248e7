using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Crypto.Jose;

namespace Platform.Identity.Credentials;

/// <summary>
/// One SD-JWT disclosure (RFC 9901 §4.2): <c>[salt, claim name, value]</c> for an object property or
/// <c>[salt, value]</c> for an array element, as base64url of the UTF-8 JSON array text.
/// </summary>
/// <remarks>
/// The encoded string is kept exactly as created or received and the digest is taken over it: any JSON
/// serialization of the array is valid, so re-serializing a received disclosure could change its digest.
/// </remarks>
public sealed class Disclosure
{
    /// <summary>128 bits, the minimum RFC 9901 §9.3 recommends for a salt.</summary>
    public const int SaltBytes = 16;

    private readonly JsonNode? _value;

    private Disclosure(string encoded, string salt, string? claimName, JsonNode? value)
    {
        Encoded = encoded;
        Salt = salt;
        ClaimName = claimName;
        _value = value;
        Digest = SdJwtDigest.Of(encoded);
    }

    /// <summary>The base64url disclosure, as it goes between the <c>~</c> separators.</summary>
    public string Encoded { get; }

    public string Salt { get; }

    /// <summary>The claim name; null for an array-element disclosure.</summary>
    public string? ClaimName { get; }

    public bool IsArrayElement => ClaimName is null;

    /// <summary>A copy of the claim value (JSON null is <c>null</c>); a copy so callers cannot alter the disclosure.</summary>
    public JsonNode? Value => _value?.DeepClone();

    /// <summary>base64url SHA-256 of <see cref="Encoded"/>: the value that appears in <c>_sd</c> or <c>{"...": digest}</c>.</summary>
    public string Digest { get; }

    /// <summary>An object-property disclosure with a fresh random salt.</summary>
    public static Disclosure ForClaim(string claimName, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(claimName);
        return Create(NewSalt(), claimName, value);
    }

    /// <summary>An array-element disclosure with a fresh random salt.</summary>
    public static Disclosure ForArrayElement(JsonNode? value) => Create(NewSalt(), null, value);

    /// <summary>
    /// A disclosure with a given salt (test vectors, reproducible fixtures). Issuers use <see cref="ForClaim"/>: a
    /// predictable salt lets anyone holding the SD-JWT guess undisclosed values by hashing candidates.
    /// </summary>
    public static Disclosure Create(string salt, string? claimName, JsonNode? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(salt);
        if (claimName is not null)
        {
            EnsureClaimNameAllowed(claimName, error => new ArgumentException("Disclosure " + error + ".", nameof(claimName)));
        }
        var array = new JsonArray(JsonValue.Create(salt));
        if (claimName is not null)
        {
            array.Add(JsonValue.Create(claimName));
        }
        var copy = value?.DeepClone();
        array.Add(copy);
        var encoded = Base64Url.EncodeToString(CompactJson.WriteUtf8(array));
        return new Disclosure(encoded, salt, claimName, copy?.DeepClone());
    }

    /// <summary>Parses a received disclosure, keeping <paramref name="encoded"/> verbatim.</summary>
    /// <exception cref="SdJwtException"><see cref="SdJwtError.MalformedDisclosure"/>.</exception>
    public static Disclosure Parse(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (!StrictBase64Url.TryDecode(encoded, out var utf8))
        {
            throw Malformed("is not base64url");
        }
        var node = CompactJson.TryParse(utf8, out var valid);
        if (!valid || node is not JsonArray array)
        {
            throw Malformed("is not a UTF-8 JSON array");
        }
        if (array.Count is not (2 or 3))
        {
            throw Malformed($"has {array.Count} elements; expected 2 (array element) or 3 (object property)");
        }
        if (array[0] is not JsonValue saltNode || saltNode.GetValueKind() != JsonValueKind.String
            || saltNode.GetValue<string>() is not { Length: > 0 } salt)
        {
            throw Malformed("has no string salt");
        }
        string? claimName = null;
        if (array.Count == 3)
        {
            if (array[1] is not JsonValue nameNode || nameNode.GetValueKind() != JsonValueKind.String)
            {
                throw Malformed("has a claim name that is not a string");
            }
            claimName = nameNode.GetValue<string>();
            EnsureClaimNameAllowed(claimName, error => Malformed(error));
        }
        var value = array[^1]?.DeepClone();
        return new Disclosure(encoded, salt, claimName, value);
    }

    /// <summary>A base64url salt of <see cref="SaltBytes"/> random bytes from the OS CSPRNG.</summary>
    public static string NewSalt()
    {
        Span<byte> salt = stackalloc byte[SaltBytes];
        RandomNumberGenerator.Fill(salt);
        return Base64Url.EncodeToString(salt);
    }

    public override string ToString() => Encoded;

    // RFC 9901 §4.2.1: "_sd" and "..." would be confused with the digest containers themselves.
    private static void EnsureClaimNameAllowed(string claimName, Func<string, Exception> fail)
    {
        if (claimName is SdJwtConstants.SdClaim or SdJwtConstants.ArrayElementDigestKey)
        {
            throw fail($"uses the reserved claim name '{claimName}'");
        }
    }

    private static SdJwtException Malformed(string reason) =>
        new(SdJwtError.MalformedDisclosure, "Disclosure " + reason + ".");
}
