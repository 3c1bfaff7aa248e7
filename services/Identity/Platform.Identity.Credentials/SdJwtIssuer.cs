using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Platform.Crypto;
using Platform.Crypto.Jose;

namespace Platform.Identity.Credentials;

/// <summary>
/// Issues SD-JWT VCs: an ES256 issuer-signed JWT whose payload carries the digests of the disclosable claims, followed
/// by the disclosures, in the form <c>&lt;jwt&gt;~&lt;D1&gt;~...~&lt;Dn&gt;~</c> (no key binding at issuance).
/// </summary>
public sealed class SdJwtIssuer
{
    /// <summary>Claims this issuer writes itself; a request may not set them as ordinary claims.</summary>
    private static readonly FrozenSet<string> ReservedClaims = FrozenSet.Create(StringComparer.Ordinal,
        "iss", "iat", "nbf", "exp", "vct", "vct#integrity", "cnf", "status",
        SdJwtConstants.SdClaim, SdJwtConstants.SdAlgClaim, SdJwtConstants.ArrayElementDigestKey);

    private readonly ISigningKey _signingKey;
    private readonly Es256Signer _signer;
    private readonly TimeProvider _timeProvider;

    public SdJwtIssuer(ISigningKey signingKey, TimeProvider? timeProvider = null)
    {
        _signer = signingKey.ToEs256Signer();
        _signingKey = signingKey;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public async Task<SdJwt> IssueAsync(SdJwtIssuanceRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Validate(request);

        var issuedAt = request.IssuedAt ?? _timeProvider.GetUtcNow();
        var disclosures = request.DisclosableClaims.Select(claim => Disclosure.ForClaim(claim.Key, claim.Value)).ToList();

        // Sorted so the order of _sd says nothing about the order (or identity) of the claims (RFC 9901 §4.2.4.1).
        var digests = disclosures.Select(d => d.Digest)
            .Concat(Enumerable.Range(0, request.DecoyDigests).Select(_ => SdJwtDigest.Decoy()))
            .Order(StringComparer.Ordinal)
            .ToList();

        var header = new JsonObject
        {
            ["alg"] = SdJwtConstants.Es256,
            ["typ"] = request.Type,
            ["kid"] = _signingKey.KeyId,
        };
        var payload = new JsonObject
        {
            ["iss"] = request.Issuer,
            ["iat"] = issuedAt.ToUnixTimeSeconds(),
        };
        if (request.NotBefore is { } notBefore)
        {
            payload["nbf"] = notBefore.ToUnixTimeSeconds();
        }
        payload["exp"] = (issuedAt + request.Lifetime).ToUnixTimeSeconds();
        payload["vct"] = request.Vct;
        payload["cnf"] = new JsonObject { ["jwk"] = ConfirmationJwk(request.HolderKey) };
        if (request.Status is not null)
        {
            payload["status"] = request.Status.DeepClone();
        }
        foreach (var (name, value) in request.PlainClaims)
        {
            payload[name] = value?.DeepClone();
        }
        if (digests.Count > 0)
        {
            payload[SdJwtConstants.SdClaim] = new JsonArray(digests.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray());
        }
        payload[SdJwtConstants.SdAlgClaim] = SdJwtConstants.Sha256;

        var jwt = await JwtObjects.SignAsync(header, payload, _signer, cancellationToken).ConfigureAwait(false);
        return SdJwt.Create(jwt, disclosures);
    }

    private static void Validate(SdJwtIssuanceRequest request)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Issuer, nameof(request.Issuer));
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Vct, nameof(request.Vct));
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Type, nameof(request.Type));
        ArgumentNullException.ThrowIfNull(request.HolderKey, nameof(request.HolderKey));
        ArgumentNullException.ThrowIfNull(request.PlainClaims, nameof(request.PlainClaims));
        ArgumentNullException.ThrowIfNull(request.DisclosableClaims, nameof(request.DisclosableClaims));
        if (request.Lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(request), "The credential lifetime must be positive.");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(request.DecoyDigests, nameof(request.DecoyDigests));
        foreach (var name in request.PlainClaims.Keys.Concat(request.DisclosableClaims.Keys))
        {
            if (ReservedClaims.Contains(name))
            {
                throw new ArgumentException($"Claim '{name}' is set by the issuer itself (or must stay in the clear).", nameof(request));
            }
        }
        var both = request.PlainClaims.Keys.Intersect(request.DisclosableClaims.Keys, StringComparer.Ordinal).FirstOrDefault();
        if (both is not null)
        {
            throw new ArgumentException($"Claim '{both}' cannot be both plain and selectively disclosable.", nameof(request));
        }
    }

    /// <summary>
    /// <c>cnf.jwk</c> (RFC 7800): only <c>kty</c>, <c>crv</c>, <c>x</c>, <c>y</c>; a <c>kid</c> would be a stable identifier
    /// across the holder's credentials, so it is left out.
    /// </summary>
    private static JsonObject ConfirmationJwk(P256Jwk key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return P256Jwk.TryFromMembers(key.Kty, key.Crv, key.X, key.Y) is { } holderKey
            ? holderKey.ToKeyMembers()
            : throw new ArgumentException("The holder key must be an EC P-256 public key with 32-byte coordinates.", nameof(key));
    }
}
