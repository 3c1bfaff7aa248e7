using Platform.Crypto.Envelopes;

namespace Platform.RecordVault.Core;

/// <summary>
/// Format versions stored with every encrypted record version, so the layout can evolve while old versions stay
/// readable. Both are AES-256-GCM with a 96-bit nonce and a 128-bit tag under a fresh 256-bit data key.
/// </summary>
public static class EnvelopeFormat
{
    /// <summary>One GCM message: <see cref="EncryptedRecord"/> (nonce, ciphertext and tag kept apart).</summary>
    public const byte SingleShot = 1;

    /// <summary>Chunked stream: <see cref="EncryptedStreamRecord"/>, each chunk <c>ciphertext ‖ tag</c> in one blob.</summary>
    public const byte Chunked = 2;

    /// <summary>Data-key length in bytes (AES-256).</summary>
    public const int DataKeySize = DataKeyEnvelope.DataKeySize;

    /// <summary>GCM nonce length in bytes.</summary>
    public const int NonceSize = DataKeyEnvelope.NonceSize;

    /// <summary>GCM tag length in bytes (the full 128 bits; shorter tags weaken GCM).</summary>
    public const int TagSize = DataKeyEnvelope.TagSize;

    /// <summary>Random part of a chunked stream's nonces; the remaining 4 bytes are the chunk counter.</summary>
    public const int NoncePrefixSize = 8;

    /// <summary>Default plaintext bytes per chunk: large enough to amortise the tag, small enough to stream.</summary>
    public const int DefaultChunkSize = 64 * 1024;

    /// <summary>Smallest accepted chunk size.</summary>
    public const int MinChunkSize = 1024;

    /// <summary>Largest accepted chunk size (bounds the memory one read needs).</summary>
    public const int MaxChunkSize = 16 * 1024 * 1024;
}
