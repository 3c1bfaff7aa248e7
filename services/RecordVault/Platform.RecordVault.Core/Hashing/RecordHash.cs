using System.Security.Cryptography;

namespace Platform.RecordVault.Core;

/// <summary>
/// The hash the ledger anchors for a stored record version: lowercase hex SHA-256 of its AES-GCM output as stored,
/// i.e. the ciphertext followed by its tag(s). Hashing ciphertext, not plaintext, keeps PHI off the ledger (a
/// plaintext hash of a short record could be guessed) and lets an auditor check the stored bytes without any key.
/// </summary>
/// <remarks>
/// Single-shot records: <c>SHA-256(Ciphertext ‖ Tag)</c> (<see cref="Of(EncryptedRecord)"/>). Chunked records: SHA-256
/// of the blob exactly as stored, tags inline (<see cref="OfStream"/>; the same value
/// <see cref="EncryptedStreamRecord.CiphertextSha256"/> reports). Nonces and the wrapped key are not included: they
/// change nothing an auditor needs to prove, and the wrapped key changes on every rewrap.
/// </remarks>
public static class RecordHash
{
    /// <summary>Length of a hash in hex characters.</summary>
    public const int Length = 64;

    public static string Of(ReadOnlySpan<byte> storedBytes) => Convert.ToHexStringLower(SHA256.HashData(storedBytes));

    /// <summary>SHA-256 of <c>Ciphertext ‖ Tag</c>, without concatenating them in memory.</summary>
    public static string Of(EncryptedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(record.Ciphertext);
        hash.AppendData(record.Tag);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>SHA-256 of the rest of <paramref name="stream"/>, read to its end.</summary>
    public static string OfStream(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>SHA-256 of the rest of <paramref name="stream"/>, read to its end.</summary>
    public static async Task<string> OfStreamAsync(Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>True for 64 lowercase hex characters (the only form this class produces).</summary>
    public static bool IsWellFormed(string? hash) =>
        hash is { Length: Length } && hash.AsSpan().ContainsAnyExcept("0123456789abcdef") is false;
}
