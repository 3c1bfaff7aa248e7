using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Platform.Crypto.Envelopes;

/// <summary>
/// Canonical associated data for <see cref="DataKeyEnvelope"/>: a domain-separation label, then fixed-size integers and
/// length-prefixed fields, all big-endian. The length prefixes make the encoding injective: no value can carry a
/// separator into the next field, so two different bindings never give the same bytes.
/// </summary>
/// <example>
/// <code>
/// var aad = new AssociatedDataWriter("platform.example.aad.v1"u8).Byte(1).Text("id").UInt32(7).ToArray();
/// </code>
/// </example>
public sealed class AssociatedDataWriter
{
    /// <summary>Longest field (the u16 length prefix); callers set tighter limits of their own.</summary>
    public const int MaxFieldLength = ushort.MaxValue;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly ArrayBufferWriter<byte> _buffer = new(128);

    /// <param name="label">ASCII domain separation, written first without a length (it is a constant of the format).</param>
    public AssociatedDataWriter(ReadOnlySpan<byte> label) => _buffer.Write(label);

    /// <summary>One byte, e.g. a format version.</summary>
    public AssociatedDataWriter Byte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
        return this;
    }

    public AssociatedDataWriter UInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
        return this;
    }

    /// <summary><c>u16 length ‖ bytes</c>.</summary>
    /// <exception cref="OverflowException">The field is longer than <see cref="MaxFieldLength"/>.</exception>
    public AssociatedDataWriter Field(ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.GetSpan(2), checked((ushort)value.Length));
        _buffer.Advance(2);
        _buffer.Write(value);
        return this;
    }

    /// <summary><c>u16 length ‖ UTF-8</c>; strict, so text with a lone surrogate is refused rather than replaced.</summary>
    /// <exception cref="EncoderFallbackException">The text is not valid UTF-16.</exception>
    public AssociatedDataWriter Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Field(StrictUtf8.GetBytes(value));
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();
}
