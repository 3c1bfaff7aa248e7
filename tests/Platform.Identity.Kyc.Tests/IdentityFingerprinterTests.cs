using System.Security.Cryptography;
using System.Text;
using Platform.Identity.Kyc;

namespace Platform.Identity.Kyc.Tests;

public sealed class IdentityFingerprinterTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly IdentityFingerprinter Fingerprinter = new(Key);

    [Fact]
    public void Is_HMAC_SHA256_over_the_documented_message()
    {
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes("kyc-document-v1\0UTO\0L898902C3")));

        Assert.Equal(expected, Fingerprinter.Compute("L898902C3", "UTO").Value);
    }

    [Fact]
    public void Is_deterministic_and_insensitive_to_how_the_number_and_country_are_written()
    {
        var reference = Fingerprinter.Compute("T22000129", "DEU");

        Assert.Equal(reference, new IdentityFingerprinter(Key).Compute("T22000129", "DEU"));
        Assert.Equal(reference, Fingerprinter.Compute("t2200 0129", "D<<"));
        Assert.Equal(reference, Fingerprinter.Compute("T-22000129<<", "de"));
        Assert.Equal(reference, Fingerprinter.Compute(Specimens.Document("IDD<<T220001293<<<<<<<<<<<<<<<\n6408125<2010315D<<<<<<<<<<<<<4\nMUSTERMANN<<ERIKA<<<<<<<<<<<<<")));
    }

    [Fact]
    public void Differs_for_another_number_country_or_key()
    {
        var reference = Fingerprinter.Compute("L898902C3", "UTO");

        Assert.NotEqual(reference, Fingerprinter.Compute("L898902C4", "UTO"));
        Assert.NotEqual(reference, Fingerprinter.Compute("L898902C3", "SWE"));
        Assert.NotEqual(reference, new IdentityFingerprinter(Enumerable.Repeat((byte)7, 32).ToArray()).Compute("L898902C3", "UTO"));
    }

    [Fact]
    public void Reveals_neither_the_document_number_nor_the_key()
    {
        var fingerprint = Fingerprinter.Compute("L898902C3", "UTO");

        Assert.Matches("^[0-9a-f]{64}$", fingerprint.Value);
        Assert.DoesNotContain("L898902C3", fingerprint.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToHexString(Key), Fingerprinter.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Refuses_short_keys_empty_numbers_and_unknown_countries()
    {
        Assert.Throws<ArgumentException>(() => new IdentityFingerprinter(new byte[31]));
        Assert.Throws<ArgumentException>(() => Fingerprinter.Compute("<<- ", "UTO"));
        Assert.Throws<ArgumentException>(() => Fingerprinter.Compute("L898902C3", "ZZZ"));
    }

    [Fact]
    public void Does_not_keep_a_reference_to_the_callers_key()
    {
        var key = Key.ToArray();
        var fingerprinter = new IdentityFingerprinter(key);
        var before = fingerprinter.Compute("L898902C3", "UTO");

        Array.Clear(key);

        Assert.Equal(before, fingerprinter.Compute("L898902C3", "UTO"));
    }
}
