using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Crypto;
using Platform.Crypto.Jose;

namespace Platform.Identity.Credentials;

/// <summary>
/// What a holder reads from its own SD-JWT without verifying it: the issuer-signed claims, the claims its disclosures
/// reveal, the holder key in <c>cnf.jwk</c> and the status list entry. Verifiers use <see cref="SdJwtVerifier"/> instead.
/// </summary>
public static class SdJwtInspection
{
    /// <summary>The issuer-signed payload as sent (with <c>_sd</c> digests), decoded but NOT verified.</summary>
    /// <exception cref="SdJwtException">The issuer-signed JWT is malformed.</exception>
    public static JsonObject ReadUnverifiedPayload(SdJwt sdJwt)
    {
        ArgumentNullException.ThrowIfNull(sdJwt);
        return sdJwt.ReadUnverifiedPayload();
    }

    /// <summary>The issuer-signed claims in the clear: the payload without <c>_sd</c> and <c>_sd_alg</c>. NOT verified.</summary>
    public static JsonObject ReadPlainClaims(SdJwt sdJwt)
    {
        var payload = ReadUnverifiedPayload(sdJwt);
        payload.Remove(SdJwtConstants.SdClaim);
        payload.Remove(SdJwtConstants.SdAlgClaim);
        return payload;
    }

    /// <summary>
    /// The payload with every disclosure of <paramref name="sdJwt"/> merged in (RFC 9901 §7.1 processing, without the
    /// signature check): what the holder's credential says in full. NOT verified.
    /// </summary>
    /// <exception cref="SdJwtException">A disclosure does not fit the payload.</exception>
    public static JsonObject ReadAllClaims(SdJwt sdJwt)
    {
        ArgumentNullException.ThrowIfNull(sdJwt);
        return DisclosureProcessor.Process(sdJwt.ReadUnverifiedPayload(), sdJwt.Disclosures);
    }

    /// <summary>The names of the top-level claims the disclosures can reveal, in issuance order.</summary>
    public static IReadOnlyList<string> DisclosableClaimNames(SdJwt sdJwt)
    {
        ArgumentNullException.ThrowIfNull(sdJwt);
        return sdJwt.Disclosures.Select(d => d.ClaimName).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>The holder key (<c>cnf.jwk</c>, EC P-256) of a payload, or null.</summary>
    public static P256Jwk? ReadHolderKey(JsonObject payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return P256Jwk.TryRead((payload["cnf"] as JsonObject)?["jwk"] as JsonObject);
    }

    /// <summary>
    /// Reads <c>status.status_list</c> (<c>{idx, uri}</c>) from a payload or from the <c>status</c> claim itself; null when
    /// there is none or it is malformed (an absolute URI and a non-negative integer index are required).
    /// </summary>
    public static StatusListReference? ReadStatusReference(JsonObject payloadOrStatus)
    {
        ArgumentNullException.ThrowIfNull(payloadOrStatus);
        var status = payloadOrStatus["status"] as JsonObject ?? payloadOrStatus;
        if (status["status_list"] is not JsonObject entry
            || JsonText.Get(entry, "uri") is not { } uriText || !Uri.TryCreate(uriText, UriKind.Absolute, out var uri)
            || entry["idx"] is not JsonValue idx || idx.GetValueKind() != JsonValueKind.Number || !idx.TryGetValue<long>(out var index)
            || index < 0)
        {
            return null;
        }
        return new StatusListReference(uri, index);
    }
}
