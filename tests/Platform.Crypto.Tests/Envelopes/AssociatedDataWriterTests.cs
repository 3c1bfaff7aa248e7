using System.Text;
using Platform.Crypto.Envelopes;

namespace Platform.Crypto.Tests.Envelopes;

public sealed class AssociatedDataWriterTests
{
    [Fact]
    public void Writes_label_then_big_endian_integers_and_length_prefixed_fields()
    {
        var bytes = new AssociatedDataWriter("L"u8).Byte(2).Text("ab").UInt32(0x01020304).Field([0xFF]).ToArray();

        Assert.Equal(new byte[] { (byte)'L', 2, 0, 2, (byte)'a', (byte)'b', 1, 2, 3, 4, 0, 1, 0xFF }, bytes);
    }

    [Fact]
    public void A_separator_inside_a_field_cannot_shift_a_boundary()
    {
        // With newline-joined fields ("a\nb", "c") and ("a", "b\nc") would encode alike; length prefixes keep them apart.
        var first = new AssociatedDataWriter("L"u8).Text("a\nb").Text("c").ToArray();
        var second = new AssociatedDataWriter("L"u8).Text("a").Text("b\nc").ToArray();

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Refuses_a_lone_surrogate_and_a_field_longer_than_the_prefix()
    {
        Assert.Throws<EncoderFallbackException>(() => new AssociatedDataWriter("L"u8).Text("\uD800"));
        Assert.Throws<OverflowException>(() => new AssociatedDataWriter("L"u8).Field(new byte[AssociatedDataWriter.MaxFieldLength + 1]));
    }
}
