using Platform.RecordVault.Core;

namespace Platform.RecordVault.Tests;

public sealed class BinaryContentTypesTests
{
    [Theory]
    [InlineData("application/pdf", BinaryContentTypes.Pdf)]
    [InlineData("Application/PDF", BinaryContentTypes.Pdf)]
    [InlineData("image/png", BinaryContentTypes.Png)]
    [InlineData("image/jpeg", BinaryContentTypes.Jpeg)]
    [InlineData("application/dicom", BinaryContentTypes.Dicom)]
    [InlineData("text/plain", BinaryContentTypes.PlainText)]
    [InlineData("text/plain; charset=utf-8", BinaryContentTypes.PlainText)]
    [InlineData("text/plain; charset=\"US-ASCII\"", BinaryContentTypes.PlainText)]
    public void Allowed_types_normalise_to_their_media_type(string header, string expected)
    {
        Assert.True(BinaryContentTypes.TryGet(header, out var type));
        Assert.Equal(expected, type.MediaType);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("text/html")]
    [InlineData("image/svg+xml")]
    [InlineData("application/octet-stream")]
    [InlineData("image/dicom")]
    [InlineData("text/plain; charset=iso-8859-1")]
    [InlineData("application/pdf/x")]
    [InlineData("pdf")]
    public void Other_types_are_refused(string? header) => Assert.False(BinaryContentTypes.IsAllowed(header));

    [Fact]
    public void Size_limits_are_per_type()
    {
        Assert.True(BinaryContentTypes.IsWithinLimit("application/pdf", BinaryContentTypes.MaxPdfBytes));
        Assert.False(BinaryContentTypes.IsWithinLimit("application/pdf", BinaryContentTypes.MaxPdfBytes + 1));
        Assert.True(BinaryContentTypes.IsWithinLimit("application/dicom", 100L * 1024 * 1024));
        Assert.False(BinaryContentTypes.IsWithinLimit("text/plain", 100L * 1024 * 1024));
        Assert.False(BinaryContentTypes.IsWithinLimit("text/html", 1));
        Assert.Equal(BinaryContentTypes.MaxAttachmentBytes, BinaryContentTypes.All.Max(t => t.MaxBytes));
    }

    [Fact]
    public void Signatures_catch_mislabelled_files()
    {
        BinaryContentType Type(string mediaType) => BinaryContentTypes.All.Single(t => t.MediaType == mediaType);
        var dicom = new byte[132];
        "DICM"u8.CopyTo(dicom.AsSpan(128));

        Assert.True(BinaryContentTypes.HasExpectedSignature(Type(BinaryContentTypes.Pdf), "%PDF-1.7\n"u8));
        Assert.False(BinaryContentTypes.HasExpectedSignature(Type(BinaryContentTypes.Pdf), "<html>"u8));
        Assert.True(BinaryContentTypes.HasExpectedSignature(Type(BinaryContentTypes.Png), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]));
        Assert.False(BinaryContentTypes.HasExpectedSignature(Type(BinaryContentTypes.Png), [0xFF, 0xD8, 0xFF, 0xE0]));
        Assert.True(BinaryContentTypes.HasExpectedSignature(Type(BinaryContentTypes.Jpeg), [0xFF, 0xD8, 0xFF, 0xE0]));
        Assert.True(BinaryContentTypes.HasExpectedSignature(Type(BinaryContentTypes.Dicom), dicom));
        Assert.False(BinaryContentTypes.HasExpectedSignature(Type(BinaryContentTypes.Dicom), dicom[..131]));
        Assert.True(BinaryContentTypes.HasExpectedSignature(Type(BinaryContentTypes.PlainText), "blood pressure 120/80"u8));
        Assert.False(BinaryContentTypes.HasExpectedSignature(Type(BinaryContentTypes.PlainText), [0x41, 0x00, 0x42]));
    }
}
