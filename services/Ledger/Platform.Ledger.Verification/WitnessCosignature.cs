using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Platform.Crypto.Jose;

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

/// <summary>
/// A witness's public key as a JWK (EC P-256) with only the required members, the cosignature's wire format; the key
/// work (encoding, RFC 7638 <see cref="Thumbprint"/>, ES256 verification) is <see cref="P256Jwk"/>'s.
/// </summary>
public sealed record WitnessKey(
    [property: JsonPropertyName("kty")] string Kty,
    [property: JsonPropertyName("crv")] string Crv,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y)
{
    public static WitnessKey From(ECDsa key)
    {
        P256Jwk jwk;
        try
        {
            jwk = P256Jwk.FromECDsa(key);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException("A witness key must be an EC P-256 key.", nameof(key), e);
        }
        return new WitnessKey(jwk.Kty, jwk.Crv, jwk.X, jwk.Y);
    }

    public string Thumbprint() => ToJwk().Thumbprint();

    public bool Verifies(byte[] data, byte[]? signature) => signature is not null && ToJwk().VerifyES256(data, signature);

    private P256Jwk ToJwk() => new(Kty, Crv, X, Y, Kid: "", P256Jwk.Algorithm, Use: "sig");
}
