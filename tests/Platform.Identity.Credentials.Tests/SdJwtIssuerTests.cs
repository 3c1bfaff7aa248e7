using System.Text;
using System.Text.Json.Nodes;

namespace Platform.Identity.Credentials.Tests;

public sealed class SdJwtIssuerTests(IssuerFixture fixture) : IClassFixture<IssuerFixture>
{
    private static readonly DateTimeOffset IssuedAt = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Header_is_es256_dc_sd_jwt_with_the_key_id()
    {
        var sdJwt = await IssueAsync();

        var (header, _) = TestJws.Decode(sdJwt.IssuerSignedJwt);
        Assert.Equal("ES256", header["alg"]!.GetValue<string>());
        Assert.Equal("dc+sd-jwt", header["typ"]!.GetValue<string>());
        Assert.Equal(fixture.SigningKey.KeyId, header["kid"]!.GetValue<string>());
    }

    [Fact]
    public async Task Payload_holds_the_registered_claims_and_only_digests_of_the_disclosable_ones()
    {
        var sdJwt = await IssueAsync(decoys: 3);

        var (_, payload) = TestJws.Decode(sdJwt.IssuerSignedJwt);
        Assert.Equal(IssuerFixture.IssuerId, payload["iss"]!.GetValue<string>());
        Assert.Equal(IssuedAt.ToUnixTimeSeconds(), payload["iat"]!.GetValue<long>());
        Assert.Equal(IssuedAt.AddDays(365).ToUnixTimeSeconds(), payload["exp"]!.GetValue<long>());
        Assert.Equal("urn:test:vct", payload["vct"]!.GetValue<string>());
        Assert.Equal("sha-256", payload["_sd_alg"]!.GetValue<string>());
        Assert.Equal("public", payload["tier"]!.GetValue<string>());
        Assert.False(payload.ContainsKey("given_name"));
        Assert.DoesNotContain("Erika", payload.ToJsonString(), StringComparison.Ordinal);

        var jwk = payload["cnf"]!["jwk"]!.AsObject();
        Assert.Equal(["kty", "crv", "x", "y"], jwk.Select(m => m.Key));
        Assert.Equal(fixture.HolderJwk.X, jwk["x"]!.GetValue<string>());

        var digests = payload["_sd"]!.AsArray().Select(d => d!.GetValue<string>()).ToList();
        Assert.Equal(2 + 3, digests.Count);
        Assert.Equal(digests.Order(StringComparer.Ordinal), digests);
        Assert.All(sdJwt.Disclosures, d => Assert.Contains(d.Digest, digests));
    }

    [Fact]
    public async Task Compact_form_is_jwt_then_each_disclosure_then_a_trailing_tilde()
    {
        var sdJwt = await IssueAsync();

        Assert.EndsWith("~", sdJwt.Compact, StringComparison.Ordinal);
        Assert.Equal(sdJwt.IssuerSignedJwt + "~" + string.Join('~', sdJwt.Disclosures.Select(d => d.Encoded)) + "~", sdJwt.Compact);
        Assert.Equal(["given_name", "family_name"], sdJwt.Disclosures.Select(d => d.ClaimName));
        Assert.Null(SdJwt.Parse(sdJwt.Compact).KeyBindingJwt);
    }

    [Fact]
    public async Task Signature_verifies_with_the_published_key()
    {
        var sdJwt = await IssueAsync();
        var parts = sdJwt.IssuerSignedJwt.Split('.');

        var key = fixture.Metadata.Keys.Single();
        Assert.True(key.VerifyES256(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]),
            System.Buffers.Text.Base64Url.DecodeFromChars(parts[2])));
    }

    [Fact]
    public async Task Status_is_written_in_the_clear()
    {
        var request = Request();
        var sdJwt = await new SdJwtIssuer(fixture.SigningKey).IssueAsync(new SdJwtIssuanceRequest
        {
            Issuer = request.Issuer,
            Vct = request.Vct,
            HolderKey = request.HolderKey,
            Lifetime = request.Lifetime,
            Status = new StatusListReference(new Uri("https://identity.example.test/status/1"), 17).ToStatusClaim(),
        }, CancellationToken.None);

        var (_, payload) = TestJws.Decode(sdJwt.IssuerSignedJwt);
        Assert.Equal(17, payload["status"]!["status_list"]!["idx"]!.GetValue<long>());
        Assert.Equal("https://identity.example.test/status/1", payload["status"]!["status_list"]!["uri"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("iss")]
    [InlineData("exp")]
    [InlineData("cnf")]
    [InlineData("vct")]
    [InlineData("status")]
    [InlineData("_sd")]
    public async Task Registered_claims_cannot_be_supplied_or_made_disclosable(string name)
    {
        var issuer = new SdJwtIssuer(fixture.SigningKey);
        var claims = new Dictionary<string, JsonNode?> { [name] = "x" };

        await Assert.ThrowsAsync<ArgumentException>(() => issuer.IssueAsync(Request(disclosable: claims), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() => issuer.IssueAsync(Request(plain: claims), CancellationToken.None));
    }

    [Fact]
    public async Task A_claim_cannot_be_both_plain_and_disclosable()
    {
        var claims = new Dictionary<string, JsonNode?> { ["given_name"] = "x" };

        await Assert.ThrowsAsync<ArgumentException>(() =>
            new SdJwtIssuer(fixture.SigningKey).IssueAsync(Request(plain: claims, disclosable: claims), CancellationToken.None));
    }

    private Task<SdJwt> IssueAsync(int decoys = 0) =>
        new SdJwtIssuer(fixture.SigningKey).IssueAsync(Request(decoys: decoys), CancellationToken.None);

    private SdJwtIssuanceRequest Request(Dictionary<string, JsonNode?>? plain = null, Dictionary<string, JsonNode?>? disclosable = null,
        int decoys = 0) => new()
    {
        Issuer = IssuerFixture.IssuerId,
        Vct = "urn:test:vct",
        HolderKey = fixture.HolderJwk,
        IssuedAt = IssuedAt,
        Lifetime = TimeSpan.FromDays(365),
        PlainClaims = plain ?? new Dictionary<string, JsonNode?> { ["tier"] = "public" },
        DisclosableClaims = disclosable ?? new Dictionary<string, JsonNode?> { ["given_name"] = "Erika", ["family_name"] = "Mustermann" },
        DecoyDigests = decoys,
    };
}
