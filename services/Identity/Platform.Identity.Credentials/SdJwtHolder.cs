using System.Text.Json.Nodes;
using Platform.Crypto.Jose;

namespace Platform.Identity.Credentials;

/// <summary>
/// The wallet side: accept an issued SD-JWT, pick the disclosures to reveal, and bind the presentation to a verifier's
/// challenge with a Key Binding JWT (RFC 9901 §4.3) signed by the holder key named in <c>cnf.jwk</c>.
/// </summary>
public static class SdJwtHolder
{
    /// <summary>
    /// Parses an issuance and checks what RFC 9901 §7.2 asks of a holder: every disclosure is referenced by the SD-JWT,
    /// none twice, and there is no Key Binding JWT yet. The issuer signature is the verifier's concern (and the
    /// holder's, where it can fetch the issuer's keys: run <see cref="SdJwtVerifier"/> without key binding).
    /// </summary>
    /// <exception cref="SdJwtException">The issuance is not acceptable.</exception>
    public static SdJwt Accept(string issuance)
    {
        var sdJwt = SdJwt.Parse(issuance);
        if (sdJwt.KeyBindingJwt is not null)
        {
            throw new SdJwtException(SdJwtError.Malformed, "An issued SD-JWT does not carry a Key Binding JWT.");
        }
        DisclosureTree.Build(sdJwt.ReadUnverifiedPayload(), sdJwt.Disclosures);
        return sdJwt;
    }

    /// <summary>
    /// The disclosures for the given claim names (at any depth), plus any disclosure that encloses one of them,
    /// since a nested claim cannot be revealed without its container. Unknown names are ignored.
    /// </summary>
    public static IReadOnlyList<Disclosure> SelectByClaimName(SdJwt sdJwt, IEnumerable<string> claimNames)
    {
        ArgumentNullException.ThrowIfNull(claimNames);
        var names = claimNames.ToHashSet(StringComparer.Ordinal);
        return Select(sdJwt, d => d.ClaimName is not null && names.Contains(d.ClaimName));
    }

    /// <summary>The disclosures matching <paramref name="predicate"/>, plus those enclosing them, in issuance order.</summary>
    public static IReadOnlyList<Disclosure> Select(SdJwt sdJwt, Func<Disclosure, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(sdJwt);
        ArgumentNullException.ThrowIfNull(predicate);
        var tree = DisclosureTree.Build(sdJwt.ReadUnverifiedPayload(), sdJwt.Disclosures);
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var disclosure in sdJwt.Disclosures.Where(predicate))
        {
            // Walk up to the payload; stop early where an enclosing disclosure is already chosen.
            string? digest = disclosure.Digest;
            while (digest is not null && chosen.Add(digest))
            {
                digest = tree.ParentOf(digest);
            }
        }
        return sdJwt.Disclosures.Where(d => chosen.Contains(d.Digest)).ToList();
    }

    /// <summary><c>&lt;jwt&gt;~&lt;D1&gt;~...~</c> with the chosen disclosures and no key binding.</summary>
    public static SdJwt Present(SdJwt sdJwt, IEnumerable<Disclosure> disclosures)
    {
        ArgumentNullException.ThrowIfNull(sdJwt);
        ArgumentNullException.ThrowIfNull(disclosures);
        var chosen = disclosures.Select(d => d.Digest).ToHashSet(StringComparer.Ordinal);
        var issued = sdJwt.Disclosures.Select(d => d.Digest).ToHashSet(StringComparer.Ordinal);
        if (!chosen.IsSubsetOf(issued))
        {
            throw new ArgumentException("Only disclosures issued with this SD-JWT can be presented.", nameof(disclosures));
        }
        // Issuance order, each once (RFC 9901 §4: a disclosure must not be sent twice).
        return SdJwt.Create(sdJwt.IssuerSignedJwt, sdJwt.Disclosures.Where(d => chosen.Contains(d.Digest)));
    }

    /// <summary>
    /// <c>&lt;jwt&gt;~&lt;D1&gt;~...~&lt;KB-JWT&gt;</c>: the chosen disclosures bound to <paramref name="challenge"/> by a Key
    /// Binding JWT signed with the holder key (the private half of the credential's <c>cnf.jwk</c>).
    /// </summary>
    public static async Task<SdJwt> PresentWithKeyBindingAsync(SdJwt sdJwt, IEnumerable<Disclosure> disclosures,
        KeyBindingChallenge challenge, Es256Signer holderSigner, DateTimeOffset issuedAt, CancellationToken cancellationToken)
    {
        var presentation = Present(sdJwt, disclosures);
        var keyBinding = await CreateKeyBindingJwtAsync(presentation, challenge, holderSigner, issuedAt, cancellationToken)
            .ConfigureAwait(false);
        return presentation.WithKeyBinding(keyBinding);
    }

    /// <summary>
    /// A Key Binding JWT for a presentation without key binding: header <c>{"alg":"ES256","typ":"kb+jwt"}</c>, claims
    /// <c>iat</c>, <c>aud</c>, <c>nonce</c> and <c>sd_hash</c> over <see cref="SdJwt.WithoutKeyBinding"/>.
    /// </summary>
    public static Task<string> CreateKeyBindingJwtAsync(SdJwt presentation, KeyBindingChallenge challenge,
        Es256Signer holderSigner, DateTimeOffset issuedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(presentation);
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(holderSigner);
        if (presentation.KeyBindingJwt is not null)
        {
            throw new ArgumentException("The presentation already carries a Key Binding JWT.", nameof(presentation));
        }
        var header = new JsonObject
        {
            ["alg"] = SdJwtConstants.Es256,
            ["typ"] = SdJwtConstants.KeyBindingJwtType,
        };
        var payload = new JsonObject
        {
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
            ["aud"] = challenge.Audience,
            ["nonce"] = challenge.Nonce,
            [SdJwtConstants.SdHashClaim] = ComputeSdHash(presentation.WithoutKeyBinding),
        };
        return JwtObjects.SignAsync(header, payload, holderSigner, cancellationToken);
    }

    /// <summary><c>sd_hash</c>: base64url SHA-256 of the ASCII of <c>&lt;jwt&gt;~&lt;D1&gt;~...~</c> (RFC 9901 §4.3.1).</summary>
    public static string ComputeSdHash(string sdJwtWithoutKeyBinding)
    {
        ArgumentNullException.ThrowIfNull(sdJwtWithoutKeyBinding);
        return SdJwtDigest.Of(sdJwtWithoutKeyBinding);
    }
}
