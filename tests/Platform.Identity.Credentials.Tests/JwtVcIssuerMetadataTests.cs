using System.Text.Json.Nodes;
using Platform.Crypto;
using Platform.Crypto.Jose;

namespace Platform.Identity.Credentials.Tests;

public sealed class JwtVcIssuerMetadataTests(IssuerFixture fixture) : IClassFixture<IssuerFixture>
{
    [Fact]
    public void Document_has_the_issuer_and_an_inline_jwks()
    {
        var json = JsonNode.Parse(fixture.Metadata.ToJsonString())!.AsObject();

        Assert.Equal(IssuerFixture.IssuerId, json["issuer"]!.GetValue<string>());
        var key = json["jwks"]!["keys"]!.AsArray().Single()!.AsObject();
        Assert.Equal("EC", key["kty"]!.GetValue<string>());
        Assert.Equal("P-256", key["crv"]!.GetValue<string>());
        Assert.Equal(fixture.SigningKey.KeyId, key["kid"]!.GetValue<string>());
        Assert.Equal("ES256", key["alg"]!.GetValue<string>());
        Assert.Equal("sig", key["use"]!.GetValue<string>());
        Assert.False(key.ContainsKey("d"));
    }

    [Theory]
    [InlineData("https://identity.example.test/issuer", "https://identity.example.test/.well-known/jwt-vc-issuer/issuer")]
    [InlineData("https://identity.example.test/tenant/1234/", "https://identity.example.test/.well-known/jwt-vc-issuer/tenant/1234")]
    [InlineData("https://identity.example.test", "https://identity.example.test/.well-known/jwt-vc-issuer")]
    [InlineData("https://identity.example.test:8443/a", "https://identity.example.test:8443/.well-known/jwt-vc-issuer/a")]
    public void Metadata_location_inserts_the_well_known_segment_before_the_path(string issuer, string expected)
    {
        Assert.Equal(expected, JwtVcIssuerMetadata.MetadataUri(issuer).AbsoluteUri);
    }

    [Theory]
    [InlineData("http://identity.example.test")]
    [InlineData("https://identity.example.test/?tenant=1")]
    [InlineData("https://identity.example.test/#x")]
    [InlineData("identity.example.test")]
    public void Issuer_must_be_an_https_url_without_query_or_fragment(string issuer)
    {
        Assert.Throws<ArgumentException>(() => JwtVcIssuerMetadata.MetadataUri(issuer));
    }

    [Fact]
    public void Parse_round_trips_and_insists_on_the_expected_issuer()
    {
        var parsed = JwtVcIssuerMetadata.Parse(fixture.Metadata.ToJsonString(), IssuerFixture.IssuerId);

        Assert.Equal(fixture.SigningKey.GetPublicJwk(), parsed.Keys.Single());
        Assert.Throws<FormatException>(() => JwtVcIssuerMetadata.Parse(fixture.Metadata.ToJsonString(), "https://other.example.test"));
        Assert.Throws<FormatException>(() => JwtVcIssuerMetadata.Parse("""{"issuer":"https://identity.example.test/issuer","jwks":{"keys":[{"kty":"RSA","n":"x","e":"AQAB"}]}}""",
            IssuerFixture.IssuerId));
    }

    [Fact]
    public async Task Resolver_finds_keys_by_issuer_and_kid_only()
    {
        var resolver = fixture.Metadata.ToKeyResolver();
        var kid = fixture.SigningKey.KeyId;

        Assert.NotNull(await resolver(IssuerFixture.IssuerId, kid, CancellationToken.None));
        Assert.Null(await resolver(IssuerFixture.IssuerId, "vc-issuer/99", CancellationToken.None));
        Assert.Null(await resolver("https://other.example.test", kid, CancellationToken.None));
        // No kid: only an unambiguous single key.
        Assert.NotNull(await resolver(IssuerFixture.IssuerId, null, CancellationToken.None));
        var two = new JwtVcIssuerMetadata(IssuerFixture.IssuerId, [fixture.SigningKey.GetPublicJwk(), fixture.HolderJwk with { Kid = "other" }]);
        Assert.Null(await two.ToKeyResolver()(IssuerFixture.IssuerId, null, CancellationToken.None));
    }

    [Fact]
    public void Keys_declared_for_another_algorithm_are_skipped()
    {
        var jwk = P256Jwk.TryRead(JsonNode.Parse($$"""{"kty":"EC","crv":"P-256","x":"{{fixture.HolderJwk.X}}","y":"{{fixture.HolderJwk.Y}}","alg":"ES384"}""")!.AsObject());

        Assert.Null(jwk);
    }
}
