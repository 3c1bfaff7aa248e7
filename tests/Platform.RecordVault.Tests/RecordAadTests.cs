using Platform.Contracts.CodeLists;
using Platform.RecordVault.Core;

namespace Platform.RecordVault.Tests;

public sealed class RecordAadTests
{
    [Fact]
    public void The_canonical_bytes_are_pinned()
    {
        var aad = RecordAad.Encode(new RecordBinding("r1", 258, "pat-0001", RecordCategories.Observation), EnvelopeFormat.SingleShot);

        // "platform.record-vault.aad.v1" | 01 | 0002 "r1" | 00000102 | 0008 "pat-0001" | 000b "observation"
        Assert.Equal(
            "706c6174666f726d2e7265636f72642d7661756c742e6161642e7631" + "01" + "0002" + "7231" + "00000102"
            + "0008" + "7061742d30303031" + "000b" + "6f62736572766174696f6e",
            Convert.ToHexStringLower(aad));
    }

    [Fact]
    public void Length_prefixes_keep_shifted_field_boundaries_apart()
    {
        var a = RecordAad.Encode(new RecordBinding("ab", 1, "cdefghij", RecordCategories.Observation), EnvelopeFormat.SingleShot);
        var b = RecordAad.Encode(new RecordBinding("abc", 1, "defghij", RecordCategories.Observation), EnvelopeFormat.SingleShot);
        var chunked = RecordAad.Encode(new RecordBinding("ab", 1, "cdefghij", RecordCategories.Observation), EnvelopeFormat.Chunked);

        Assert.NotEqual(a, b);
        Assert.NotEqual(a, chunked);
    }

    [Fact]
    public void Bindings_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new RecordBinding("", 1, "p", RecordCategories.Observation));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecordBinding("r", 0, "p", RecordCategories.Observation));
        Assert.Throws<ArgumentException>(() => new RecordBinding("r", 1, "", RecordCategories.Observation));
        Assert.Throws<ArgumentException>(() => new RecordBinding("r", 1, "p", "Observation"));
        Assert.Throws<ArgumentException>(() => new RecordBinding("r\uD800", 1, "p", RecordCategories.Observation));
        Assert.Throws<ArgumentException>(() => new RecordBinding(new string('r', RecordBinding.MaxFieldBytes + 1), 1, "p", RecordCategories.Observation));
        Assert.Equal(new RecordBinding("r", 1, "p", RecordCategories.Genetic), new RecordBinding("r", 1, "p", RecordCategories.Genetic));
    }
}
