using System.Text;
using Platform.Crypto.Envelopes;

namespace Platform.RecordVault.Core;

/// <summary>
/// Canonical associated-data bytes for a <see cref="RecordBinding"/>, written with the platform's
/// <see cref="AssociatedDataWriter"/>. Every field is length-prefixed so no two
/// different bindings can produce the same bytes (no separator to smuggle), and the format byte keeps a single-shot
/// ciphertext from being accepted as a chunk of a stream or the other way round.
/// </summary>
/// <remarks>
/// Layout, version 1 (all integers big-endian):
/// <code>
/// "platform.record-vault.aad.v1"        28 ASCII bytes, domain separation
/// u8   format                            EnvelopeFormat.SingleShot (1) or EnvelopeFormat.Chunked (2)
/// u16  len | UTF-8 record id
/// u32  version
/// u16  len | UTF-8 patient pseudonym
/// u16  len | UTF-8 category code
/// </code>
/// A chunk of <see cref="EnvelopeFormat.Chunked"/> appends <c>u32 chunk size</c> and <c>u8 final</c> (1 on the last
/// chunk, else 0); its position is in the nonce (see <see cref="EnvelopeCipher"/>).
/// Changing this layout changes every record's AAD: add a new format version instead.
/// </remarks>
public static class RecordAad
{
    /// <summary>The domain-separation prefix of version 1.</summary>
    public static ReadOnlySpan<byte> Label => "platform.record-vault.aad.v1"u8;

    /// <summary>The canonical AAD of <paramref name="binding"/> for <paramref name="format"/>.</summary>
    public static byte[] Encode(RecordBinding binding, byte format)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var utf8 = RecordBinding.StrictUtf8;
        return new AssociatedDataWriter(Label).Byte(format)
            .Field(utf8.GetBytes(binding.RecordId))
            .UInt32((uint)binding.Version)
            .Field(utf8.GetBytes(binding.PatientPseudonym))
            .Field(Encoding.ASCII.GetBytes(binding.Category))
            .ToArray();
    }
}
