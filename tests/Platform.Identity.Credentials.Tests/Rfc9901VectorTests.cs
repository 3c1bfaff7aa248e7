using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Platform.Crypto;
using Platform.Crypto.Jose;

namespace Platform.Identity.Credentials.Tests;

/// <summary>
/// RFC 9901's own examples. Every other test issues and verifies with this code, so a shared misreading (hashing the
/// decoded JSON instead of the encoded string, the wrong base64 alphabet, rebuilding the sd_hash input) would pass
/// them all; these compare against values the RFC publishes and this code did not produce.
/// </summary>
public sealed class Rfc9901VectorTests
{
    // §4.2.1: the disclosure of ["_26bc4LT-ac6q2KI6cBW5es", "family_name", "Möbius"]; §4.2.3: its SHA-256 digest.
    private const string FamilyNameDisclosure = "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0";
    private const string FamilyNameDigest = "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0";

    // §4.2.1: the same claim serialized differently (umlaut escaped; no whitespace; newlines). All valid.
    private const string FamilyNameEscaped = "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNXHUwMGY2Yml1cyJd";
    private const string FamilyNameCompact = "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsImZhbWlseV9uYW1lIiwiTcO2Yml1cyJd";
    private const string FamilyNameNewlines = "WwoiXzI2YmM0TFQtYWM2cTJLSTZjQlc1ZXMiLAoiZmFtaWx5X25hbWUiLAoiTcO2Yml1cyIKXQ";

    // §4.2.2: the array-element disclosure of ["lklxF5jMYlGTPUovMNIvCA", "FR"]; §4.2.4.2: its digest.
    private const string NationalityFrDisclosure = "WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0";
    private const string NationalityFrDigest = "w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs";

    // §5.1: the issuer-signed JWT (typ example+sd-jwt), signed with the Appendix A.5 issuer key.
    private const string Section5Jwt =
        "eyJhbGciOiAiRVMyNTYiLCAidHlwIjogImV4YW1wbGUrc2Qtand0In0." +
        "eyJfc2QiOiBbIkNyUWU3UzVrcUJBSHQtbk1ZWGdjNmJkdDJTSDVhVFkxc1VfTS1QZ2tqUEkiLCAiSnpZ" +
        "akg0c3ZsaUgwUjNQeUVNZmVadTZKdDY5dTVxZWhabzdGN0VQWWxTRSIsICJQb3JGYnBLdVZ1Nnh5bUph" +
        "Z3ZrRnNGWEFiUm9jMkpHbEFVQTJCQTRvN2NJIiwgIlRHZjRvTGJnd2Q1SlFhSHlLVlFaVTlVZEdFMHc1" +
        "cnREc3JaemZVYW9tTG8iLCAiWFFfM2tQS3QxWHlYN0tBTmtxVlI2eVoyVmE1TnJQSXZQWWJ5TXZSS0JN" +
        "TSIsICJYekZyendzY002R242Q0pEYzZ2Vks4QmtNbmZHOHZPU0tmcFBJWmRBZmRFIiwgImdiT3NJNEVk" +
        "cTJ4Mkt3LXc1d1BFemFrb2I5aFYxY1JEMEFUTjNvUUw5Sk0iLCAianN1OXlWdWx3UVFsaEZsTV8zSmx6" +
        "TWFTRnpnbGhRRzBEcGZheVF3TFVLNCJdLCAiaXNzIjogImh0dHBzOi8vaXNzdWVyLmV4YW1wbGUuY29t" +
        "IiwgImlhdCI6IDE2ODMwMDAwMDAsICJleHAiOiAxODgzMDAwMDAwLCAic3ViIjogInVzZXJfNDIiLCAi" +
        "bmF0aW9uYWxpdGllcyI6IFt7Ii4uLiI6ICJwRm5kamtaX1ZDem15VGE2VWpsWm8zZGgta284YUlLUWM5" +
        "RGxHemhhVllvIn0sIHsiLi4uIjogIjdDZjZKa1B1ZHJ5M2xjYndIZ2VaOGtoQXYxVTFPU2xlclAwVmtC" +
        "SnJXWjAifV0sICJfc2RfYWxnIjogInNoYS0yNTYiLCAiY25mIjogeyJqd2siOiB7Imt0eSI6ICJFQyIs" +
        "ICJjcnYiOiAiUC0yNTYiLCAieCI6ICJUQ0FFUjE5WnZ1M09IRjRqNFc0dmZTVm9ISVAxSUxpbERsczd2" +
        "Q2VHZW1jIiwgInkiOiAiWnhqaVdXYlpNUUdIVldLVlE0aGJTSWlyc1ZmdWVjQ0U2dDRqVDlGMkhaUSJ9" +
        "fX0.MczwjBFGtzf-6WMT-hIvYbkb11NrV1WMO-jTijpMPNbswNzZ87wY2uHz-CXo6R04b7jYrpj9mNRA" +
        "vVssXou1iw";

    // §5.1: the disclosures issued with it.
    private const string GivenNameJohn = "WyIyR0xDNDJzS1F2ZUNmR2ZyeU5STjl3IiwgImdpdmVuX25hbWUiLCAiSm9obiJd";
    private const string FamilyNameDoe = "WyJlbHVWNU9nM2dTTklJOEVZbnN4QV9BIiwgImZhbWlseV9uYW1lIiwgIkRvZSJd";
    private const string Email = "WyI2SWo3dE0tYTVpVlBHYm9TNXRtdlZBIiwgImVtYWlsIiwgImpvaG5kb2VAZXhhbXBsZS5jb20iXQ";
    private const string PhoneNumber = "WyJlSThaV205UW5LUHBOUGVOZW5IZGhRIiwgInBob25lX251bWJlciIsICIrMS0yMDItNTU1LTAxMDEiXQ";
    private const string PhoneNumberVerified = "WyJRZ19PNjR6cUF4ZTQxMmExMDhpcm9BIiwgInBob25lX251bWJlcl92ZXJpZmllZCIsIHRydWVd";
    private const string Address =
        "WyJBSngtMDk1VlBycFR0TjRRTU9xUk9BIiwgImFkZHJlc3MiLCB7InN0cmVldF9hZGRyZXNzIjogIjEyMyBNYWluIFN0IiwgImxvY2FsaXR5IjogIkFueXRvd24iLCAicmVnaW9uIjogIkFueXN0YXRlIiwgImNvdW50cnkiOiAiVVMifV0";
    private const string Birthdate = "WyJQYzMzSk0yTGNoY1VfbEhnZ3ZfdWZRIiwgImJpcnRoZGF0ZSIsICIxOTQwLTAxLTAxIl0";
    private const string UpdatedAt = "WyJHMDJOU3JRZmpGWFE3SW8wOXN5YWpBIiwgInVwZGF0ZWRfYXQiLCAxNTcwMDAwMDAwXQ";
    private const string NationalityUs = "WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIlVTIl0";
    private const string NationalityDe = "WyJuUHVvUW5rUkZxM0JJZUFtN0FuWEZBIiwgIkRFIl0";

    // §5.2: the Key Binding JWT of the example presentation, and its sd_hash.
    private const string Section5KeyBindingJwt =
        "eyJhbGciOiAiRVMyNTYiLCAidHlwIjogImtiK2p3dCJ9." +
        "eyJub25jZSI6ICIxMjM0NTY3ODkwIiwgImF1ZCI6ICJodHRwczovL3ZlcmlmaWVyLmV4YW1wbGUub3Jn" +
        "IiwgImlhdCI6IDE3NDg1MzcyNDQsICJzZF9oYXNoIjogIjBfQWYtMkItRWhMV1g1eWRoX3cyeHp3bU82" +
        "aU02NkJfMlFDRWFuSTRmVVkifQ." +
        "T3SIus2OidNl41nmVkTZVCKKhOAX97aOldMyHFiYjHm261eLiJ1YiuONFiMN8QlCmYzDlBLAdPvrXh52" +
        "KaLgUQ";
    private const string Section5SdHash = "0_Af-2B-EhLWX5ydh_w2xzwmO6iM66B_2QCEanI4fUY";
    private const long Section5KeyBindingIat = 1748537244;

    // Appendix A.5: the example issuer's public key.
    private static readonly P256Jwk AppendixA5IssuerKey = new("EC", "P-256",
        "b28d4MwZMjw8-00CG4xfnn9SLMVMM19SlqZpVb_uNtQ", "Xv5zWwuoaTgdS6hV43yI6gBwTnjukmFQQnJ_kCxzqk8", "", "ES256", "sig");

    // §5.2 presents family_name, address, given_name and the US nationality, in this order.
    private static readonly string Section5Presentation =
        Section5Jwt + "~" + FamilyNameDoe + "~" + Address + "~" + GivenNameJohn + "~" + NationalityUs + "~";

    private static readonly KeyBindingChallenge Section5Challenge = new("https://verifier.example.org", "1234567890");

    [Fact]
    public void Property_disclosure_parses_and_hashes_to_the_rfc_digest()
    {
        var disclosure = Disclosure.Parse(FamilyNameDisclosure);

        Assert.Equal("_26bc4LT-ac6q2KI6cBW5es", disclosure.Salt);
        Assert.Equal("family_name", disclosure.ClaimName);
        Assert.Equal("Möbius", disclosure.Value!.GetValue<string>());
        Assert.Equal(FamilyNameDigest, disclosure.Digest);
    }

    [Fact]
    public void Array_element_disclosure_parses_and_hashes_to_the_rfc_digest()
    {
        var disclosure = Disclosure.Parse(NationalityFrDisclosure);

        Assert.True(disclosure.IsArrayElement);
        Assert.Null(disclosure.ClaimName);
        Assert.Equal("lklxF5jMYlGTPUovMNIvCA", disclosure.Salt);
        Assert.Equal("FR", disclosure.Value!.GetValue<string>());
        Assert.Equal(NationalityFrDigest, disclosure.Digest);
    }

    [Theory]
    [InlineData(FamilyNameEscaped)]
    [InlineData(FamilyNameCompact)]
    [InlineData(FamilyNameNewlines)]
    public void Every_rfc_encoding_of_one_claim_is_read_alike_but_hashed_as_received(string encoded)
    {
        var disclosure = Disclosure.Parse(encoded);

        Assert.Equal("_26bc4LT-ac6q2KI6cBW5es", disclosure.Salt);
        Assert.Equal("family_name", disclosure.ClaimName);
        Assert.Equal("Möbius", disclosure.Value!.GetValue<string>());
        // Kept verbatim: the digest is of this text, not of a re-serialization.
        Assert.Equal(encoded, disclosure.Encoded);
        Assert.NotEqual(FamilyNameDigest, disclosure.Digest);
    }

    [Fact]
    public void Creating_with_the_rfc_salt_yields_the_rfc_compact_encoding()
    {
        var disclosure = Disclosure.Create("_26bc4LT-ac6q2KI6cBW5es", "family_name", "Möbius");

        Assert.Equal(FamilyNameCompact, disclosure.Encoded);
    }

    [Theory]
    [InlineData(GivenNameJohn, "jsu9yVulwQQlhFlM_3JlzMaSFzglhQG0DpfayQwLUK4")]
    [InlineData(FamilyNameDoe, "TGf4oLbgwd5JQaHyKVQZU9UdGE0w5rtDsrZzfUaomLo")]
    [InlineData(Address, "XzFrzwscM6Gn6CJDc6vVK8BkMnfG8vOSKfpPIZdAfdE")]
    [InlineData(NationalityUs, "pFndjkZ_VCzmyTa6UjlZo3dh-ko8aIKQc9DlGzhaVYo")]
    public void Section5_disclosure_digests_are_the_ones_in_the_signed_payload(string disclosure, string digest)
    {
        var payload = TestJws.Decode(Section5Jwt).Payload.ToJsonString();

        Assert.Equal(digest, Disclosure.Parse(disclosure).Digest);
        Assert.Contains("\"" + digest + "\"", payload, StringComparison.Ordinal);
    }

    [Fact]
    public void Section5_sd_hash_is_the_rfc_value()
    {
        Assert.Equal(Section5SdHash, SdJwtHolder.ComputeSdHash(Section5Presentation));
        Assert.Equal(Section5SdHash, SdJwtHolder.ComputeSdHash(SdJwt.Parse(Section5Presentation + Section5KeyBindingJwt).WithoutKeyBinding));
    }

    [Fact]
    public async Task Section5_sd_jwt_with_every_disclosure_verifies_to_the_rfc_claims()
    {
        var issuance = string.Join('~', Section5Jwt, GivenNameJohn, FamilyNameDoe, Email, PhoneNumber, PhoneNumberVerified,
            Address, Birthdate, UpdatedAt, NationalityUs, NationalityDe) + "~";

        var result = await Verifier(requireKeyBinding: false).VerifyAsync(issuance, null, CancellationToken.None);

        Assert.True(result.IsValid, result.ErrorDetail);
        var expected = JsonNode.Parse("""
            {
              "iss": "https://issuer.example.com", "iat": 1683000000, "exp": 1883000000, "sub": "user_42",
              "nationalities": ["US", "DE"],
              "cnf": {"jwk": {"kty": "EC", "crv": "P-256",
                "x": "TCAER19Zvu3OHF4j4W4vfSVoHIP1ILilDls7vCeGemc", "y": "ZxjiWWbZMQGHVWKVQ4hbSIirsVfuecCE6t4jT9F2HZQ"}},
              "given_name": "John", "family_name": "Doe", "email": "johndoe@example.com",
              "phone_number": "+1-202-555-0101", "phone_number_verified": true,
              "address": {"street_address": "123 Main St", "locality": "Anytown", "region": "Anystate", "country": "US"},
              "birthdate": "1940-01-01", "updated_at": 1570000000
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, result.Claims), result.Claims!.ToJsonString());
    }

    [Fact]
    public async Task Section5_presentation_with_key_binding_verifies()
    {
        var result = await Verifier(requireKeyBinding: true)
            .VerifyAsync(Section5Presentation + Section5KeyBindingJwt, Section5Challenge, CancellationToken.None);

        Assert.True(result.IsValid, result.ErrorDetail);
        var claims = result.Claims!;
        Assert.Equal("John", claims["given_name"]!.GetValue<string>());
        Assert.Equal("Doe", claims["family_name"]!.GetValue<string>());
        Assert.Equal("Anytown", claims["address"]!["locality"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(new JsonArray("US"), claims["nationalities"]));
        Assert.False(claims.ContainsKey("email"));
        Assert.False(claims.ContainsKey("birthdate"));
        Assert.False(claims.ContainsKey("_sd"));
        Assert.False(claims.ContainsKey("_sd_alg"));
        Assert.Equal(Section5SdHash, result.KeyBindingClaims![SdJwtConstants.SdHashClaim]!.GetValue<string>());
    }

    [Fact]
    public async Task Section5_key_binding_rejects_another_nonce()
    {
        var result = await Verifier(requireKeyBinding: true).VerifyAsync(Section5Presentation + Section5KeyBindingJwt,
            new KeyBindingChallenge("https://verifier.example.org", "0987654321"), CancellationToken.None);

        Assert.Equal(SdJwtError.KeyBindingNonceMismatch, result.Error);
    }

    [Fact]
    public async Task Section5_key_binding_rejects_a_changed_set_of_disclosures()
    {
        // The holder's signature covers the disclosures through sd_hash: dropping one (the address) breaks it.
        var altered = Section5Jwt + "~" + FamilyNameDoe + "~" + GivenNameJohn + "~" + NationalityUs + "~" + Section5KeyBindingJwt;

        var result = await Verifier(requireKeyBinding: true).VerifyAsync(altered, Section5Challenge, CancellationToken.None);

        Assert.Equal(SdJwtError.KeyBindingSdHashMismatch, result.Error);
    }

    [Fact]
    public async Task Section5_sd_jwt_fails_with_a_key_other_than_appendix_a5()
    {
        using var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var verifier = new SdJwtVerifier(new SdJwtVerifierOptions
        {
            ResolveIssuerKey = (_, _, _) => ValueTask.FromResult<P256Jwk?>(P256Jwk.FromECDsa(other)),
            ExpectedType = "example+sd-jwt",
            RequireVct = false,
            RequireKeyBinding = false,
        }, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Section5KeyBindingIat)));

        var result = await verifier.VerifyAsync(Section5Presentation, null, CancellationToken.None);

        Assert.Equal(SdJwtError.InvalidSignature, result.Error);
    }

    private static SdJwtVerifier Verifier(bool requireKeyBinding) => new(new SdJwtVerifierOptions
    {
        ResolveIssuerKey = (issuer, _, _) =>
            ValueTask.FromResult(issuer == "https://issuer.example.com" ? AppendixA5IssuerKey : null),
        // The RFC's examples are plain SD-JWTs, not SD-JWT VCs: their own typ and no vct.
        ExpectedType = "example+sd-jwt",
        RequireVct = false,
        RequireKeyBinding = requireKeyBinding,
    }, new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(Section5KeyBindingIat + 30)));
}
