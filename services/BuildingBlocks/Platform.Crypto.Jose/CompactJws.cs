using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Crypto.Jose;

/// <summary>
/// A compact JWS (RFC 7515 §7.1) split and decoded: header and payload bytes exactly as signed, the signature, and the
/// ASCII signing input <c>header.payload</c> as received. Nothing in it is trusted until the signature is checked.
/// </summary>
/// <param name="Signature">Null when the third segment is empty or not base64url: structurally a JWS that cannot verify.</param>
public sealed record CompactJws(byte[] Header, byte[] Payload, byte[]? Signature, byte[] SigningInput)
{
    /// <summary>Length of an ES256 signature: r||s, 32 bytes each (RFC 7518 §3.4).</summary>
    public const int Es256SignatureLength = 64;

    /// <summary>Null unless the text is three dot-separated parts whose header and payload are unpadded base64url.</summary>
    public static CompactJws? TryParse(string? text)
    {
        var parts = text?.Split('.');
        if (parts is not { Length: 3 }
            || StrictBase64Url.TryDecode(parts[0]) is not { } header
            || StrictBase64Url.TryDecode(parts[1]) is not { } payload)
        {
            return null;
        }
        return new CompactJws(header, payload, StrictBase64Url.TryDecode(parts[2]), Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
    }

    /// <summary>True only for a valid ES256 signature by <paramref name="key"/> over the signing input as received.</summary>
    public bool VerifiesWith(P256Jwk key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Signature is not null && key.VerifyES256(SigningInput, Signature);
    }

    /// <summary>True only for a valid ES256 signature checked by <paramref name="verifier"/> (a reused key).</summary>
    public bool VerifiesWith(Es256Verifier verifier)
    {
        ArgumentNullException.ThrowIfNull(verifier);
        return Signature is not null && verifier.Verify(SigningInput, Signature);
    }

    /// <summary>The signing input <c>base64url(header).base64url(payload)</c> for the exact bytes given.</summary>
    public static string SigningInputOf(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) =>
        Base64Url.EncodeToString(header) + "." + Base64Url.EncodeToString(payload);

    /// <summary>Signs the exact header and payload bytes with ES256 and returns the compact serialization.</summary>
    /// <exception cref="CryptographicException">The signer did not return a 64-byte r||s signature.</exception>
    public static async Task<string> SignAsync(ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> payload, Es256Signer signer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(signer);
        var signingInput = SigningInputOf(header.Span, payload.Span);
        var signature = await signer(Encoding.ASCII.GetBytes(signingInput), cancellationToken).ConfigureAwait(false);
        if (signature.Length != Es256SignatureLength)
        {
            throw new CryptographicException($"An ES256 signature is {Es256SignatureLength} bytes (r||s); the signer returned {signature.Length}.");
        }
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }
}
