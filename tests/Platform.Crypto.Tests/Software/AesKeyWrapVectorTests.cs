using System.Security.Cryptography;

namespace Platform.Crypto.Tests.Software;

/// <summary>
/// The software provider relies on .NET's AES key wrap with padding; pin it to the published vectors so the format
/// stays RFC 5649 (the same bytes a PKCS#11 token's CKM_AES_KEY_WRAP_PAD produces).
/// </summary>
public sealed class AesKeyWrapVectorTests
{
    [Theory]
    // RFC 5649 section 6: 192-bit KEK, 20-byte and 7-byte keys.
    [InlineData("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8", "c37b7e6492584340bed12207808941155068f738",
        "138bdeaa9b8fa7fc61f97742e72248ee5ae6ae5360d1ae6a5f54f373fa543b6a")]
    [InlineData("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8", "466f7250617369", "afbeb0f07dfbf5419200f2ccb50bb24f")]
    public void Matches_rfc5649_vectors(string kek, string key, string wrapped)
    {
        using var aes = Aes.Create();
        aes.Key = Convert.FromHexString(kek);

        Assert.Equal(wrapped, Convert.ToHexString(aes.EncryptKeyWrapPadded(Convert.FromHexString(key))), ignoreCase: true);
        Assert.Equal(key, Convert.ToHexString(aes.DecryptKeyWrapPadded(Convert.FromHexString(wrapped))), ignoreCase: true);
    }

    [Fact]
    public void Rejects_a_modified_wrap()
    {
        using var aes = Aes.Create();
        aes.Key = Convert.FromHexString("5840df6e29b02af1ab493b705bf16ea1ae8338f4dcc176a8");
        var wrapped = Convert.FromHexString("afbeb0f07dfbf5419200f2ccb50bb24f");
        wrapped[0] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => aes.DecryptKeyWrapPadded(wrapped));
    }
}
