using System.Text.Json.Nodes;

namespace Platform.Identity.Credentials;

/// <summary>Verifier policy for <see cref="SdJwtVerifier"/>.</summary>
public sealed class SdJwtVerifierOptions
{
    /// <summary>Trusted issuer keys by issuer and <c>kid</c>.</summary>
    public required IssuerKeyResolver ResolveIssuerKey { get; init; }

    /// <summary>
    /// Whether every presentation must carry a valid Key Binding JWT. Decided by policy up front, never by whether the
    /// holder happened to send one (RFC 9901 §7.3 step 1). When true, callers must pass a challenge.
    /// </summary>
    public bool RequireKeyBinding { get; init; } = true;

    /// <summary>Required JOSE <c>typ</c> of the issuer-signed JWT.</summary>
    public string ExpectedType { get; init; } = SdJwtConstants.SdJwtVcType;

    /// <summary>Whether <c>vct</c> must be present (SD-JWT VC requires it).</summary>
    public bool RequireVct { get; init; } = true;

    /// <summary>Accepted <c>vct</c> values; null accepts any.</summary>
    public IReadOnlySet<string>? AcceptedVcts { get; init; }

    /// <summary>Whether <c>exp</c> must be present; credentials from this platform always expire.</summary>
    public bool RequireExpiration { get; init; } = true;

    /// <summary>Tolerance for clock differences on <c>exp</c>, <c>nbf</c> and <c>iat</c>.</summary>
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How old a Key Binding JWT's <c>iat</c> may be; short, because the nonce alone is only as good as its expiry.</summary>
    public TimeSpan KeyBindingMaxAge { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Checks a credential's <c>status</c> claim (e.g. with <see cref="StatusListToken"/> against the issuer's list);
    /// returns true when the credential is revoked. When set, a credential without a status claim is accepted.
    /// </summary>
    public Func<JsonObject, CancellationToken, Task<bool>>? IsRevoked { get; init; }
}
