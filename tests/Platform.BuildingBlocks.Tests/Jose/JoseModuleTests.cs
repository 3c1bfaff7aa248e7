using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using Platform.Crypto.Jose;

namespace Platform.BuildingBlocks.Tests.Jose;

/// <summary>
/// The JOSE module against what others publish: RFC 7515's ES256 example, Microsoft.IdentityModel's RFC 7638
/// thumbprint, and the exact JWK bytes the ledger's log and every JWKS already carry.
/// </summary>
public sealed class JoseModuleTests
{
    // RFC 7515 Appendix A.3: the ES256 example JWS and its public key.
    private const string Rfc7515A3 =
        "eyJhbGciOiJFUzI1NiJ9"
        + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
        + ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

    private static readonly P256Jwk Rfc7515A3Key = P256Jwk.TryFromMembers(
        "EC", "P-256", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0")!;

    [Fact]
    public void The_RFC_7515_ES256_example_verifies_and_a_changed_payload_does_not()
    {
        var jws = CompactJws.TryParse(Rfc7515A3);
        Assert.NotNull(jws);
        Assert.Equal("{\"alg\":\"ES256\"}", Encoding.UTF8.GetString(jws.Header));
        Assert.True(jws.VerifiesWith(Rfc7515A3Key));
        using (var verifier = new Es256Verifier(Rfc7515A3Key))
        {
            Assert.True(jws.VerifiesWith(verifier));
        }

        var tampered = CompactJws.TryParse(Rfc7515A3.Replace(".eyJpc3MiOiJqb2Ui", ".eyJpc3MiOiJqb2Ul", StringComparison.Ordinal));
        Assert.NotNull(tampered);
        Assert.False(tampered.VerifiesWith(Rfc7515A3Key));
    }

    [Theory]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.e30")] // two parts
    [InlineData("eyJhbGciOiJFUzI1NiJ9.e30.AA.AA")] // four parts
    [InlineData(".e30.AA")] // empty header
    [InlineData("eyJhbGciOiJFUzI1NiJ9=.e30.AA")] // padding
    [InlineData("eyJhbGciOiJFUzI1NiJ9.e3 0.AA")] // whitespace the BCL decoder would skip
    [InlineData("eyJhbGciOiJFUzI1NiJ9.e30+.AA")] // the standard alphabet, not base64url
    public void Anything_but_three_strict_base64url_parts_is_not_a_compact_JWS(string text) =>
        Assert.Null(CompactJws.TryParse(text));

    [Theory]
    [InlineData("")]
    [InlineData("A")]
    [InlineData("not base64url!")]
    public void An_unreadable_signature_is_kept_as_structurally_a_JWS_that_cannot_verify(string signature)
    {
        var jws = CompactJws.TryParse(Rfc7515A3[..Rfc7515A3.LastIndexOf('.')] + "." + signature);
        Assert.NotNull(jws);
        Assert.Null(jws.Signature);
        Assert.False(jws.VerifiesWith(Rfc7515A3Key));
    }

    [Fact]
    public async Task Signing_writes_the_exact_bytes_given_and_the_result_verifies_with_the_public_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var header = Encoding.UTF8.GetBytes("{\"alg\":\"ES256\",\"typ\":\"test+jwt\"}");
        var payload = Encoding.UTF8.GetBytes("{\"b\":1,\"a\":2}");

        var text = await CompactJws.SignAsync(header, payload, Es256Signers.FromECDsa(key), CancellationToken.None);

        var jws = CompactJws.TryParse(text)!;
        Assert.Equal(header, jws.Header);
        Assert.Equal(payload, jws.Payload);
        Assert.Equal(CompactJws.SigningInputOf(header, payload), Encoding.ASCII.GetString(jws.SigningInput));
        Assert.True(jws.VerifiesWith(P256Jwk.FromECDsa(key)));
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.False(jws.VerifiesWith(P256Jwk.FromECDsa(other)));
    }

    [Fact]
    public async Task A_signer_that_returns_anything_but_64_bytes_is_refused()
    {
        Es256Signer der = (_, _) => Task.FromResult(new byte[70]);
        await Assert.ThrowsAsync<CryptographicException>(() => CompactJws.SignAsync("{}"u8.ToArray(), "{}"u8.ToArray(), der, CancellationToken.None));
    }

    [Fact]
    public void The_thumbprint_is_the_one_Microsoft_IdentityModel_computes()
    {
        for (var i = 0; i < 20; i++)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var jwk = P256Jwk.FromECDsa(key, "some-kid");
            var reference = new JsonWebKey { Kty = "EC", Crv = "P-256", X = jwk.X, Y = jwk.Y, Kid = "ignored" };
            Assert.Equal(Base64Url.EncodeToString(reference.ComputeJwkThumbprint()), jwk.Thumbprint());
        }
        var rfcReference = new JsonWebKey { Kty = "EC", Crv = "P-256", X = Rfc7515A3Key.X, Y = Rfc7515A3Key.Y };
        Assert.Equal(Base64Url.EncodeToString(rfcReference.ComputeJwkThumbprint()), Rfc7515A3Key.Thumbprint());
    }

    [Fact]
    public void The_JWK_serialises_with_the_member_names_and_order_already_stored_and_reads_back()
    {
        var jwk = Rfc7515A3Key with { Kid = "events/3" };

        var json = JsonSerializer.Serialize(jwk);

        Assert.Equal(
            "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
            + "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\",\"kid\":\"events/3\",\"alg\":\"ES256\",\"use\":\"sig\"}",
            json);
        Assert.Equal(jwk, JsonSerializer.Deserialize<P256Jwk>(json));
        Assert.Equal(jwk, P256Jwk.TryRead(JsonNode.Parse(json)!.AsObject()));
        Assert.Equal("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}",
            jwk.ToKeyMembers().ToJsonString());
    }

    [Theory]
    [InlineData("{\"kty\":\"RSA\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}")]
    [InlineData("{\"kty\":\"EC\",\"crv\":\"P-384\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}")]
    [InlineData("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVE\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}")]
    [InlineData("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU=\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}")]
    [InlineData("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\",\"alg\":\"ES384\"}")]
    [InlineData("{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\",\"use\":\"enc\"}")]
    public void Only_an_EC_P256_signing_key_with_32_byte_unpadded_coordinates_is_read(string json) =>
        Assert.Null(P256Jwk.TryRead(JsonNode.Parse(json)!.AsObject()));

    [Fact]
    public void A_point_that_is_not_on_the_curve_verifies_nothing()
    {
        var offCurve = Rfc7515A3Key with { Y = Base64Url.EncodeToString(new byte[32]) };
        var jws = CompactJws.TryParse(Rfc7515A3)!;
        Assert.False(jws.VerifiesWith(offCurve));
    }
}
