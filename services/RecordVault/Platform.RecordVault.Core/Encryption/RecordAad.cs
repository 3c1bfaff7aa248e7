using System.Buffers.Binary;
using System.Text;

namespace Platform.RecordVault.Core;

/// <summary>
/// Canonical associated-data bytes for a <see cref="RecordBinding"/>. Every field is length-prefixed so no two
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
        var id = utf8.GetBytes(binding.RecordId);
        var patient = utf8.GetBytes(binding.PatientPseudonym);
        var category = Encoding.ASCII.GetBytes(binding.Category);
        var aad = new byte[Label.Length + 1 + (2 + id.Length) + 4 + (2 + patient.Length) + (2 + category.Length)];
        var span = aad.AsSpan();
        Label.CopyTo(span);
        var at = Label.Length;
        span[at++] = format;
        at = WriteField(span, at, id);
        BinaryPrimitives.WriteUInt32BigEndian(span[at..], (uint)binding.Version);
        at += 4;
        at = WriteField(span, at, patient);
        WriteField(span, at, category);
        return aad;
    }

    private static int WriteField(Span<byte> span, int at, byte[] field)
    {
        BinaryPrimitives.WriteUInt16BigEndian(span[at..], checked((ushort)field.Length));
        field.CopyTo(span[(at + 2)..]);
        return at + 2 + field.Length;
    }
}
