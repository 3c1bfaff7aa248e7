using System.Text.Json.Nodes;
using Platform.Crypto.Jose;

namespace Platform.Identity.Credentials.Tests;

/// <summary>The issuer-signed JWT and disclosure rules of RFC 9901 §7.1, on SD-JWTs built to break one rule each.</summary>
public sealed class SdJwtVerifierTests : IDisposable
{
    private readonly CraftedIssuer _issuer = new();

    public void Dispose() => _issuer.Dispose();

    [Fact]
    public async Task Disclosed_claims_are_merged_and_the_digest_machinery_removed()
    {
        var given = Disclosure.ForClaim("given_name", "Erika");
        var family = Disclosure.ForClaim("family_name", "Mustermann");
        var payload = _issuer.Payload();
        payload["_sd"] = CraftedIssuer.Digests(given, family);

        var result = await _issuer.VerifyAsync(_issuer.SdJwt(payload, given));

        Assert.True(result.IsValid, result.ErrorDetail);
        Assert.Equal("Erika", result.Claims!["given_name"]!.GetValue<string>());
        Assert.False(result.Claims.ContainsKey("family_name"));
        Assert.False(result.Claims.ContainsKey("_sd"));
        Assert.False(result.Claims.ContainsKey("_sd_alg"));
        Assert.Equal(CraftedIssuer.Issuer, result.Claims["iss"]!.GetValue<string>());
    }

    [Fact]
    public async Task Nested_and_array_element_disclosures_are_resolved_recursively()
    {
        var street = Disclosure.ForClaim("street", "Heidestraße 17");
        var address = Disclosure.ForClaim("address", new JsonObject { ["city"] = "Köln", ["_sd"] = CraftedIssuer.Digests(street) });
        var de = Disclosure.ForArrayElement("DE");
        var fr = Disclosure.ForArrayElement("FR");
        var payload = _issuer.Payload();
        payload["_sd"] = CraftedIssuer.Digests(address);
        payload["nationalities"] = new JsonArray(
            new JsonObject { ["..."] = de.Digest }, "AT", new JsonObject { ["..."] = fr.Digest });

        var result = await _issuer.VerifyAsync(_issuer.SdJwt(payload, address, street, fr));

        Assert.True(result.IsValid, result.ErrorDetail);
        Assert.True(JsonNode.DeepEquals(new JsonObject { ["city"] = "Köln", ["street"] = "Heidestraße 17" }, result.Claims!["address"]));
        // The undisclosed element disappears; the plain and disclosed ones keep their order.
        Assert.True(JsonNode.DeepEquals(new JsonArray("AT", "FR"), result.Claims["nationalities"]));
    }

    [Fact]
    public async Task A_tampered_disclosure_is_not_referenced()
    {
        var given = Disclosure.ForClaim("given_name", "Erika");
        var payload = _issuer.Payload();
        payload["_sd"] = CraftedIssuer.Digests(given);
        var forged = Disclosure.Create(given.Salt, "given_name", "Mallory"); // same salt, other value

        var result = await _issuer.VerifyAsync(_issuer.SdJwt(payload, forged));

        Assert.Equal(SdJwtError.DisclosureNotReferenced, result.Error);
        Assert.Equal("disclosure_not_referenced", result.ErrorCode);
    }

    [Fact]
    public async Task A_disclosure_from_another_credential_is_not_referenced()
    {
        var payload = _issuer.Payload();
        payload["_sd"] = CraftedIssuer.Digests(Disclosure.ForClaim("given_name", "Erika"));

        var result = await _issuer.VerifyAsync(_issuer.SdJwt(payload, Disclosure.ForClaim("given_name", "Erika")));

        Assert.Equal(SdJwtError.DisclosureNotReferenced, result.Error);
    }

    [Fact]
    public async Task A_disclosure_presented_twice_is_refused()
    {
        var given = Disclosure.ForClaim("given_name", "Erika");
        var payload = _issuer.Payload();
        payload["_sd"] = CraftedIssuer.Digests(given);

        var result = await _issuer.VerifyAsync(_issuer.SdJwt(payload, given, given));

        Assert.Equal(SdJwtError.DuplicateDisclosure, result.Error);
    }

    [Fact]
    public async Task A_digest_listed_twice_is_refused()
    {
        var given = Disclosure.ForClaim("given_name", "Erika");
        var payload = _issuer.Payload();
        payload["_sd"] = CraftedIssuer.Digests(given, given);

        Assert.Equal(SdJwtError.DuplicateDigest, (await _issuer.VerifyAsync(_issuer.SdJwt(payload, given))).Error);
        // Also when undisclosed: the structure itself is ambiguous.
        Assert.Equal(SdJwtError.DuplicateDigest, (await _issuer.VerifyAsync(_issuer.SdJwt(payload))).Error);
    }

    [Fact]
    public async Task A_digest_in_both_sd_and_an_array_is_refused()
    {
        var de = Disclosure.ForArrayElement("DE");
        var payload = _issuer.Payload();
        payload["_sd"] = CraftedIssuer.Digests(de);
        payload["nationalities"] = new JsonArray(new JsonObject { ["..."] = de.Digest });

        Assert.Equal(SdJwtError.DuplicateDigest, (await _issuer.VerifyAsync(_issuer.SdJwt(payload))).Error);
    }

    [Fact]
    public async Task A_disclosed_name_that_already_exists_is_a_collision()
    {
        var given = Disclosure.ForClaim("given_name", "Mallory");
        var payload = _issuer.Payload();
        payload["given_name"] = "Erika";
        payload["_sd"] = CraftedIssuer.Digests(given);

        Assert.Equal(SdJwtError.ClaimNameCollision, (await _issuer.VerifyAsync(_issuer.SdJwt(payload, given))).Error);
    }

    [Fact]
    public async Task Two_disclosures_of_one_name_collide()
    {
        var first = Disclosure.ForClaim("given_name", "Erika");
        var second = Disclosure.ForClaim("given_name", "Mallory");
        var payload = _issuer.Payload();
        payload["_sd"] = CraftedIssuer.Digests(first, second);

        Assert.Equal(SdJwtError.ClaimNameCollision, (await _issuer.VerifyAsync(_issuer.SdJwt(payload, first, second))).Error);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("nbf")]
    [InlineData("_sd_alg")]
    public async Task Registered_claims_cannot_come_from_a_disclosure(string name)
    {
        var disclosure = Disclosure.ForClaim(name, "x");
        var payload = _issuer.Payload();
        payload.Remove("_sd_alg");
        payload["_sd"] = CraftedIssuer.Digests(disclosure);

        Assert.Equal(SdJwtError.ReservedClaimDisclosed, (await _issuer.VerifyAsync(_issuer.SdJwt(payload, disclosure))).Error);
    }

    [Fact]
    public async Task Disclosure_kinds_must_match_where_they_are_referenced()
    {
        var element = Disclosure.ForArrayElement("DE");
        var property = Disclosure.ForClaim("nationality", "DE");
        var fromSd = _issuer.Payload();
        fromSd["_sd"] = CraftedIssuer.Digests(element);
        var fromArray = _issuer.Payload();
        fromArray["nationalities"] = new JsonArray(new JsonObject { ["..."] = property.Digest });

        Assert.Equal(SdJwtError.DisclosureTypeMismatch, (await _issuer.VerifyAsync(_issuer.SdJwt(fromSd, element))).Error);
        Assert.Equal(SdJwtError.DisclosureTypeMismatch, (await _issuer.VerifyAsync(_issuer.SdJwt(fromArray, property))).Error);
    }

    [Fact]
    public async Task An_sd_member_that_is_not_an_array_of_strings_is_malformed()
    {
        var notArray = _issuer.Payload();
        notArray["_sd"] = "digest";
        var notStrings = _issuer.Payload();
        notStrings["_sd"] = new JsonArray(1, 2);

        Assert.Equal(SdJwtError.Malformed, (await _issuer.VerifyAsync(_issuer.SdJwt(notArray))).Error);
        Assert.Equal(SdJwtError.Malformed, (await _issuer.VerifyAsync(_issuer.SdJwt(notStrings))).Error);
    }

    [Theory]
    [InlineData("sha-512")]
    [InlineData("SHA-256")]
    [InlineData("md5")]
    public async Task Only_sha256_digests_are_accepted(string algorithm)
    {
        var payload = _issuer.Payload();
        payload["_sd_alg"] = algorithm;

        var result = await _issuer.VerifyAsync(_issuer.SdJwt(payload));

        Assert.Equal(SdJwtError.UnsupportedDigestAlgorithm, result.Error);
    }

    [Fact]
    public async Task Absent_sd_alg_means_sha256()
    {
        var given = Disclosure.ForClaim("given_name", "Erika");
        var payload = _issuer.Payload();
        payload.Remove("_sd_alg");
        payload["_sd"] = CraftedIssuer.Digests(given);

        Assert.True((await _issuer.VerifyAsync(_issuer.SdJwt(payload, given))).IsValid);
    }

    [Fact]
    public async Task Alg_none_is_refused()
    {
        var header = new JsonObject { ["alg"] = "none", ["typ"] = "dc+sd-jwt", ["kid"] = CraftedIssuer.KeyId };
        var unsigned = TestJws.Encode(header) + "." + TestJws.Encode(_issuer.Payload()) + ".";

        var result = await _issuer.VerifyAsync(unsigned + "~");

        Assert.Equal(SdJwtError.UnsupportedAlgorithm, result.Error);
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("ES384")]
    [InlineData("RS256")]
    [InlineData("es256")]
    public async Task Other_algorithms_are_refused(string alg)
    {
        var header = _issuer.Header();
        header["alg"] = alg;

        var result = await _issuer.VerifyAsync(_issuer.Jwt(_issuer.Payload(), header) + "~");

        Assert.Equal(SdJwtError.UnsupportedAlgorithm, result.Error);
    }

    [Fact]
    public async Task Critical_header_extensions_are_refused()
    {
        var header = _issuer.Header();
        header["crit"] = new JsonArray("exp");

        Assert.Equal(SdJwtError.UnsupportedAlgorithm, (await _issuer.VerifyAsync(_issuer.Jwt(_issuer.Payload(), header) + "~")).Error);
    }

    [Theory]
    [InlineData("JWT")]
    [InlineData("kb+jwt")]
    [InlineData("example+sd-jwt")]
    [InlineData(null)]
    public async Task Wrong_typ_is_refused(string? typ)
    {
        var header = _issuer.Header();
        header["typ"] = typ;
        if (typ is null)
        {
            header.Remove("typ");
        }

        var result = await _issuer.VerifyAsync(_issuer.Jwt(_issuer.Payload(), header) + "~");

        Assert.Equal(SdJwtError.InvalidType, result.Error);
    }

    [Fact]
    public async Task Expired_credentials_are_refused_after_the_clock_skew()
    {
        var payload = _issuer.Payload();
        payload["exp"] = CraftedIssuer.Now.AddSeconds(-30).ToUnixTimeSeconds();
        var sdJwt = _issuer.SdJwt(payload);

        Assert.True((await _issuer.VerifyAsync(sdJwt)).IsValid); // within the 60 s skew
        _issuer.Clock.Advance(TimeSpan.FromSeconds(31));
        var result = await _issuer.VerifyAsync(sdJwt);

        Assert.Equal(SdJwtError.Expired, result.Error);
        Assert.Equal("expired", result.ErrorCode);
    }

    [Fact]
    public async Task A_credential_without_exp_is_refused()
    {
        var payload = _issuer.Payload();
        payload.Remove("exp");

        Assert.Equal(SdJwtError.Expired, (await _issuer.VerifyAsync(_issuer.SdJwt(payload))).Error);
    }

    [Fact]
    public async Task Not_yet_valid_and_future_dated_credentials_are_refused()
    {
        var notBefore = _issuer.Payload();
        notBefore["nbf"] = CraftedIssuer.Now.AddMinutes(5).ToUnixTimeSeconds();
        var future = _issuer.Payload();
        future["iat"] = CraftedIssuer.Now.AddMinutes(5).ToUnixTimeSeconds();
        var textTime = _issuer.Payload();
        textTime["exp"] = "2099-01-01";

        Assert.Equal(SdJwtError.NotYetValid, (await _issuer.VerifyAsync(_issuer.SdJwt(notBefore))).Error);
        Assert.Equal(SdJwtError.IssuedInFuture, (await _issuer.VerifyAsync(_issuer.SdJwt(future))).Error);
        Assert.Equal(SdJwtError.Malformed, (await _issuer.VerifyAsync(_issuer.SdJwt(textTime))).Error);
    }

    [Fact]
    public async Task An_unknown_kid_or_issuer_has_no_key()
    {
        var header = _issuer.Header();
        header["kid"] = "crafted-2";
        var otherIssuer = _issuer.Payload();
        otherIssuer["iss"] = "https://elsewhere.example.test";
        var noIssuer = _issuer.Payload();
        noIssuer.Remove("iss");

        Assert.Equal(SdJwtError.UnknownIssuerKey, (await _issuer.VerifyAsync(_issuer.Jwt(_issuer.Payload(), header) + "~")).Error);
        Assert.Equal(SdJwtError.UnknownIssuerKey, (await _issuer.VerifyAsync(_issuer.SdJwt(otherIssuer))).Error);
        Assert.Equal(SdJwtError.MissingClaim, (await _issuer.VerifyAsync(_issuer.SdJwt(noIssuer))).Error);
    }

    [Fact]
    public async Task A_signature_by_another_key_or_over_another_payload_is_invalid()
    {
        using var impostor = new CraftedIssuer();
        var forged = impostor.SdJwt(_issuer.Payload()); // same iss and kid, wrong key
        var genuine = _issuer.Jwt(_issuer.Payload()).Split('.');
        var altered = _issuer.Payload();
        altered["vct"] = "urn:other";
        var spliced = genuine[0] + "." + TestJws.Encode(altered) + "." + genuine[2] + "~";

        Assert.Equal(SdJwtError.InvalidSignature, (await _issuer.VerifyAsync(forged)).Error);
        Assert.Equal(SdJwtError.InvalidSignature, (await _issuer.VerifyAsync(spliced)).Error);
    }

    [Fact]
    public async Task Vct_is_required_and_can_be_restricted()
    {
        var noVct = _issuer.Payload();
        noVct.Remove("vct");
        var restricted = new SdJwtVerifier(new SdJwtVerifierOptions
        {
            ResolveIssuerKey = (_, _, _) => ValueTask.FromResult<Platform.Crypto.Jose.P256Jwk?>(P256Jwk.FromECDsa(_issuer.Key)),
            RequireKeyBinding = false,
            AcceptedVcts = new HashSet<string> { "urn:only:this" },
        }, _issuer.Clock);

        Assert.Equal(SdJwtError.MissingClaim, (await _issuer.VerifyAsync(_issuer.SdJwt(noVct))).Error);
        Assert.Equal(SdJwtError.UnexpectedCredentialType,
            (await restricted.VerifyAsync(_issuer.SdJwt(_issuer.Payload()), null, CancellationToken.None)).Error);
    }

    [Fact]
    public async Task Duplicate_json_members_are_malformed()
    {
        // {"iss": <trusted>, ..., "iss": <other>}: signer and verifier might read different issuers.
        var json = _issuer.Payload().ToJsonString().TrimEnd('}') + ",\"iss\":\"https://elsewhere.example.test\"}";
        var input = TestJws.Encode(_issuer.Header()) + "." + TestJws.Encode(json);
        var signature = _issuer.Key.SignData(System.Text.Encoding.ASCII.GetBytes(input),
            System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Security.Cryptography.DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        var result = await _issuer.VerifyAsync(input + "." + System.Buffers.Text.Base64Url.EncodeToString(signature) + "~");

        Assert.Equal(SdJwtError.Malformed, result.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-sd-jwt")]
    [InlineData("a.b.c")] // a JWT without the '~'
    [InlineData("a.b~")] // two parts
    [InlineData("e30.e30.AA~~")] // an empty disclosure
    [InlineData("e30.e30.AA~WyJzIiwiYSIsMV0~trailing")] // tail is not a JWT
    public async Task Structurally_broken_input_is_malformed(string presentation)
    {
        var result = await _issuer.VerifyAsync(presentation);

        Assert.Equal(SdJwtError.Malformed, result.Error);
    }

    [Fact]
    public async Task A_disclosure_with_a_reserved_name_is_malformed()
    {
        var encoded = TestJws.Encode("[\"salt\",\"_sd\",[\"x\"]]");

        var result = await _issuer.VerifyAsync(_issuer.Jwt(_issuer.Payload()) + "~" + encoded + "~");

        Assert.Equal(SdJwtError.MalformedDisclosure, result.Error);
    }

    [Fact]
    public async Task Requiring_key_binding_without_a_challenge_is_a_programming_error()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() =>
            _issuer.Verifier(requireKeyBinding: true).VerifyAsync(_issuer.SdJwt(_issuer.Payload()), null, CancellationToken.None));
    }
}
