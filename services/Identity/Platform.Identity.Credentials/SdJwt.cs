using System.Text;
using Platform.Crypto.Jose;

namespace Platform.Identity.Credentials;

/// <summary>
/// An SD-JWT in compact form (RFC 9901 §4): <c>&lt;issuer-signed JWT&gt;~&lt;D1&gt;~...~&lt;Dn&gt;~</c>, optionally followed by a
/// Key Binding JWT (SD-JWT+KB). Parsing is structural only; nothing here is verified.
/// </summary>
public sealed class SdJwt
{
    private const char Separator = '~';

    private SdJwt(string compact, string issuerSignedJwt, IReadOnlyList<Disclosure> disclosures, string withoutKeyBinding, string? keyBindingJwt)
    {
        Compact = compact;
        IssuerSignedJwt = issuerSignedJwt;
        Disclosures = disclosures;
        WithoutKeyBinding = withoutKeyBinding;
        KeyBindingJwt = keyBindingJwt;
    }

    /// <summary>The whole serialization, as received or issued.</summary>
    public string Compact { get; }

    public string IssuerSignedJwt { get; }

    /// <summary>The disclosures in the order they appear.</summary>
    public IReadOnlyList<Disclosure> Disclosures { get; }

    /// <summary>
    /// <c>&lt;jwt&gt;~&lt;D1&gt;~...~&lt;Dn&gt;~</c> exactly as received (including the last <c>~</c>): the input of <c>sd_hash</c>
    /// (RFC 9901 §4.3.1). Taken from the received text, never rebuilt, so the hash covers what the holder sent.
    /// </summary>
    public string WithoutKeyBinding { get; }

    /// <summary>The Key Binding JWT, or null when the serialization ends with <c>~</c>.</summary>
    public string? KeyBindingJwt { get; }

    /// <exception cref="SdJwtException"><see cref="SdJwtError.Malformed"/> or <see cref="SdJwtError.MalformedDisclosure"/>.</exception>
    public static SdJwt Parse(string compact)
    {
        ArgumentNullException.ThrowIfNull(compact);
        var lastSeparator = compact.LastIndexOf(Separator);
        if (lastSeparator < 0)
        {
            throw new SdJwtException(SdJwtError.Malformed, "An SD-JWT contains at least one '~' after the issuer-signed JWT.");
        }
        var parts = compact.Split(Separator);
        var jwt = parts[0];
        if (jwt.Length == 0 || jwt.Count(c => c == '.') != 2)
        {
            throw new SdJwtException(SdJwtError.Malformed, "An SD-JWT starts with a compact issuer-signed JWT.");
        }
        var disclosures = new List<Disclosure>(parts.Length - 2);
        for (var i = 1; i < parts.Length - 1; i++)
        {
            if (parts[i].Length == 0)
            {
                throw new SdJwtException(SdJwtError.Malformed, $"Disclosure {i} is empty ('~~').");
            }
            disclosures.Add(Disclosure.Parse(parts[i]));
        }
        var keyBinding = parts[^1];
        if (keyBinding.Length > 0 && keyBinding.Count(c => c == '.') != 2)
        {
            throw new SdJwtException(SdJwtError.Malformed, "The part after the last '~' is neither empty nor a compact JWT.");
        }
        return new SdJwt(compact, jwt, disclosures, compact[..(lastSeparator + 1)], keyBinding.Length > 0 ? keyBinding : null);
    }

    /// <summary>Assembles <c>&lt;jwt&gt;~&lt;D1&gt;~...~</c> (no key binding).</summary>
    public static SdJwt Create(string issuerSignedJwt, IEnumerable<Disclosure> disclosures)
    {
        ArgumentException.ThrowIfNullOrEmpty(issuerSignedJwt);
        ArgumentNullException.ThrowIfNull(disclosures);
        var list = disclosures.ToList();
        var text = new StringBuilder(issuerSignedJwt).Append(Separator);
        foreach (var disclosure in list)
        {
            text.Append(disclosure.Encoded).Append(Separator);
        }
        var compact = text.ToString();
        return new SdJwt(compact, issuerSignedJwt, list, compact, null);
    }

    /// <summary>Appends a Key Binding JWT to this (key-binding-free) SD-JWT.</summary>
    internal SdJwt WithKeyBinding(string keyBindingJwt) =>
        new(WithoutKeyBinding + keyBindingJwt, IssuerSignedJwt, Disclosures, WithoutKeyBinding, keyBindingJwt);

    /// <summary>The payload of the issuer-signed JWT, decoded but NOT verified.</summary>
    internal System.Text.Json.Nodes.JsonObject ReadUnverifiedPayload() => JwtObjects.Parse(IssuerSignedJwt, SdJwtError.Malformed).Payload;

    public override string ToString() => Compact;
}
