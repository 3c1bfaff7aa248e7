using System.Security.Cryptography;
using Platform.Crypto;
using Platform.Crypto.Jose;

namespace Platform.BuildingBlocks.Tests.SignedEvents;

/// <summary>The pooled verifier gives the same answers as a fresh key object, also under concurrent use.</summary>
public sealed class Es256VerifierTests
{
    [Fact]
    public async Task Concurrent_verifications_accept_genuine_and_refuse_altered_signatures()
    {
        using var signer = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = signer.ExportParameters(false);
        var jwk = P256Jwk.ForP256(p.Q.X, p.Q.Y, "k/1");
        using var verifier = new Es256Verifier(jwk);
        var messages = Enumerable.Range(0, 64).Select(i => BitConverter.GetBytes(i * 31)).ToArray();
        var signatures = messages.Select(m => signer.SignData(m, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 512).Select(i => Task.Run(() =>
        {
            var n = i % messages.Length;
            var genuine = verifier.Verify(messages[n], signatures[n]);
            var altered = signatures[n].ToArray();
            altered[i % 64] ^= 0x10;
            var forged = verifier.Verify(messages[n], altered);
            var wrongMessage = verifier.Verify(messages[(n + 1) % messages.Length], signatures[n]);
            return genuine && !forged && !wrongMessage;
        })));

        Assert.All(results, Assert.True);
    }

    [Fact]
    public void A_key_that_is_not_on_the_curve_or_a_short_signature_verifies_nothing()
    {
        var bogus = P256Jwk.ForP256(new byte[32], new byte[32], "bogus/1");
        using var verifier = new Es256Verifier(bogus);
        Assert.False(verifier.Verify([1, 2, 3], new byte[64]));
        Assert.False(bogus.VerifyES256([1, 2, 3], new byte[63]));
    }
}
