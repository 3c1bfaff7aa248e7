using Platform.Crypto.Jose;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;

namespace Platform.Ledger.Verification;

/// <summary>
/// A witness's statement "at <see cref="Time"/> I had verified that this checkpoint is consistent with every checkpoint
/// of this ledger I saw before it" — the transparency-dev witness model (C2SP tlog-cosignature: a cosignature over
/// <c>cosignature/v1\ntime T\n</c> followed by the checkpoint's own text), with ES256 (P-256) in place of Ed25519 and
/// this ledger's checkpoint text (<see cref="Checkpoint.SigningBytes"/>). Anyone holding the witness's public key
/// checks it with <see cref="Verify"/>: the signature covers the checkpoint's ledger, size, root and timestamp, so a
/// cosignature cannot be moved to another head. Format in docs/consortium.md#witness-cosigning.
/// </summary>
public sealed record WitnessCosignature(
    [property: JsonPropertyName("witness")] string Witness,
    [property: JsonPropertyName("key")] WitnessKey Key,
    [property: JsonPropertyName("checkpoint")] Checkpoint Checkpoint,
    [property: JsonPropertyName("time")] long Time,
    [property: JsonPropertyName("signature")] string Signature)
{
    public const string Header = "cosignature/v1";

    /// <summary>UTF-8 of <c>cosignature/v1\ntime {unix seconds}\n</c> followed by the checkpoint's signing bytes.</summary>
    public static byte[] SigningBytes(Checkpoint checkpoint, long time) =>
        [.. Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Header}\ntime {time}\n")), .. checkpoint.SigningBytes()];

    /// <summary>Cosigns a checkpoint the caller has verified; the key must be P-256.</summary>
    public static WitnessCosignature Sign(string witness, ECDsa key, Checkpoint checkpoint, DateTimeOffset now)
    {
        var publicKey = WitnessKey.From(key);
        var time = now.ToUnixTimeSeconds();
        var signature = key.SignData(SigningBytes(checkpoint, time), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new WitnessCosignature(witness, publicKey, checkpoint, time, System.Buffers.Text.Base64Url.EncodeToString(signature));
    }

    /// <summary>
    /// Checks the signature with <paramref name="trusted"/>, the witness key the verifier obtained out of band (never
    /// the key inside the cosignature alone: anyone can make a key and sign).
    /// </summary>
    public VerificationResult Verify(WitnessKey trusted)
    {
        if (trusted.Thumbprint() != Key.Thumbprint())
            return VerificationResult.Invalid($"The cosignature is by key {Key.Thumbprint()}, not the trusted witness key {trusted.Thumbprint()}.");
        return trusted.Verifies(SigningBytes(Checkpoint, Time), StrictBase64Url.TryDecode(Signature))
            ? VerificationResult.Valid(string.Create(CultureInfo.InvariantCulture,
                $"Witness {Witness} cosigned ledger {Checkpoint.LedgerId} at size {Checkpoint.TreeSize} at {DateTimeOffset.FromUnixTimeSeconds(Time):u}."))
            : VerificationResult.Invalid("The witness signature does not verify over this checkpoint and time.");
    }
}

/// <summary>A witness's public key as a JWK (EC P-256); <see cref="Thumbprint"/> is its RFC 7638 thumbprint.</summary>
public sealed record WitnessKey(
    [property: JsonPropertyName("kty")] string Kty,
    [property: JsonPropertyName("crv")] string Crv,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y)
{
    public static WitnessKey From(ECDsa key)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        if (parameters.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            throw new ArgumentException("A witness key must be an EC P-256 key.", nameof(key));
        return new WitnessKey("EC", "P-256", System.Buffers.Text.Base64Url.EncodeToString(parameters.Q.X), System.Buffers.Text.Base64Url.EncodeToString(parameters.Q.Y));
    }

    /// <summary>RFC 7638: base64url(SHA-256 of {"crv","kty","x","y"} in that order, no spaces).</summary>
    public string Thumbprint() => System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes($$"""{"crv":"{{Crv}}","kty":"{{Kty}}","x":"{{X}}","y":"{{Y}}"}""")));

    public bool Verifies(byte[] data, byte[]? signature)
    {
        if (Kty != "EC" || Crv != "P-256" || signature is not { Length: 64 }
            || StrictBase64Url.TryDecode(X) is not { Length: 32 } x || StrictBase64Url.TryDecode(Y) is not { Length: 32 } y)
            return false;
        try
        {
            using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
            return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
