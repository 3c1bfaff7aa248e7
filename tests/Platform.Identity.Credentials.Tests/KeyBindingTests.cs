using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Platform.Crypto.Jose;
using Platform.Identity.Kyc;

namespace Platform.Identity.Credentials.Tests;

/// <summary>Key Binding JWT checks (RFC 9901 §7.3): signature by cnf.jwk, aud, nonce, freshness, sd_hash.</summary>
public sealed class KeyBindingTests(IssuerFixture fixture) : IClassFixture<IssuerFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly KeyBindingChallenge Challenge = new("https://rp.example.test", "n-0S6_WzA2Mj");

    [Fact]
    public async Task A_fresh_binding_to_this_verifier_is_accepted()
    {
        var presentation = await PresentAsync(Challenge, fixture.HolderSigner, Now);

        var result = await VerifyAsync(presentation);

        Assert.True(result.IsValid, result.ErrorDetail);
        Assert.Equal(Challenge.Nonce, result.KeyBindingClaims!["nonce"]!.GetValue<string>());
    }

    [Fact]
    public async Task Key_binding_jwt_has_the_rfc_shape()
    {
        var presentation = SdJwt.Parse(await PresentAsync(Challenge, fixture.HolderSigner, Now));

        var (header, payload) = TestJws.Decode(presentation.KeyBindingJwt!);
        Assert.Equal("ES256", header["alg"]!.GetValue<string>());
        Assert.Equal("kb+jwt", header["typ"]!.GetValue<string>());
        Assert.Equal(["iat", "aud", "nonce", "sd_hash"], payload.Select(m => m.Key));
        Assert.Equal(SdJwtHolder.ComputeSdHash(presentation.WithoutKeyBinding), payload["sd_hash"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_audience_is_refused()
    {
        var presentation = await PresentAsync(new KeyBindingChallenge("https://other-rp.example.test", Challenge.Nonce), fixture.HolderSigner, Now);

        Assert.Equal(SdJwtError.KeyBindingAudienceMismatch, (await VerifyAsync(presentation)).Error);
    }

    [Fact]
    public async Task Another_nonce_is_refused()
    {
        var presentation = await PresentAsync(new KeyBindingChallenge(Challenge.Audience, "replayed-nonce"), fixture.HolderSigner, Now);

        var result = await VerifyAsync(presentation);

        Assert.Equal(SdJwtError.KeyBindingNonceMismatch, result.Error);
        Assert.Equal("kb_nonce_mismatch", result.ErrorCode);
    }

    [Fact]
    public async Task A_stale_binding_is_refused()
    {
        var presentation = await PresentAsync(Challenge, fixture.HolderSigner, Now.AddMinutes(-7));

        Assert.Equal(SdJwtError.KeyBindingStale, (await VerifyAsync(presentation)).Error);
    }

    [Fact]
    public async Task A_future_dated_binding_is_refused()
    {
        var presentation = await PresentAsync(Challenge, fixture.HolderSigner, Now.AddMinutes(3));

        Assert.Equal(SdJwtError.KeyBindingNotYetValid, (await VerifyAsync(presentation)).Error);
    }

    [Fact]
    public async Task A_binding_for_other_disclosures_fails_the_sd_hash()
    {
        var issued = await IssueAsync();
        var kb = await SdJwtHolder.CreateKeyBindingJwtAsync(
            SdJwtHolder.Present(issued, SdJwtHolder.SelectByClaimName(issued, ["age_over_18"])),
            Challenge, fixture.HolderSigner, Now, CancellationToken.None);
        // The verifier sees more disclosures than the holder signed for.
        var swapped = SdJwtHolder.Present(issued, SdJwtHolder.SelectByClaimName(issued, ["age_over_18", "family_name"])).Compact + kb;

        Assert.Equal(SdJwtError.KeyBindingSdHashMismatch, (await VerifyAsync(swapped)).Error);
    }

    [Fact]
    public async Task A_binding_signed_by_another_key_is_refused()
    {
        using var thief = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var presentation = await PresentAsync(Challenge, Es256Signers.FromECDsa(thief), Now);

        Assert.Equal(SdJwtError.KeyBindingInvalidSignature, (await VerifyAsync(presentation)).Error);
    }

    [Fact]
    public async Task A_missing_binding_is_refused_when_required()
    {
        var issued = await IssueAsync();

        var result = await VerifyAsync(SdJwtHolder.Present(issued, issued.Disclosures).Compact);

        Assert.Equal(SdJwtError.KeyBindingMissing, result.Error);
    }

    [Fact]
    public async Task A_binding_is_ignored_when_policy_does_not_require_it()
    {
        var presentation = await PresentAsync(new KeyBindingChallenge(Challenge.Audience, "whatever"), fixture.HolderSigner, Now);
        var verifier = new SdJwtVerifier(new SdJwtVerifierOptions
        {
            ResolveIssuerKey = fixture.Metadata.ToKeyResolver(),
            RequireKeyBinding = false,
        }, new FakeTimeProvider(Now));

        var result = await verifier.VerifyAsync(presentation, null, CancellationToken.None);

        Assert.True(result.IsValid, result.ErrorDetail);
        Assert.Null(result.KeyBindingClaims);
    }

    [Theory]
    [InlineData("none", "kb+jwt", SdJwtError.KeyBindingUnsupportedAlgorithm)]
    [InlineData("HS256", "kb+jwt", SdJwtError.KeyBindingUnsupportedAlgorithm)]
    [InlineData("ES256", "JWT", SdJwtError.KeyBindingInvalidType)]
    [InlineData("ES256", "dc+sd-jwt", SdJwtError.KeyBindingInvalidType)]
    public async Task Key_binding_header_must_be_es256_kb_jwt(string alg, string typ, SdJwtError expected)
    {
        var issued = await IssueAsync();
        var presentation = SdJwtHolder.Present(issued, issued.Disclosures);
        var kb = TestJws.Sign(new JsonObject { ["alg"] = alg, ["typ"] = typ }, KbPayload(presentation), fixture.HolderKey);

        Assert.Equal(expected, (await VerifyAsync(presentation.Compact + kb)).Error);
    }

    [Theory]
    [InlineData("iat")]
    [InlineData("sd_hash")]
    public async Task Key_binding_without_iat_or_sd_hash_is_malformed(string claim)
    {
        var issued = await IssueAsync();
        var presentation = SdJwtHolder.Present(issued, issued.Disclosures);
        var payload = KbPayload(presentation);
        payload.Remove(claim);
        var kb = TestJws.Sign(new JsonObject { ["alg"] = "ES256", ["typ"] = "kb+jwt" }, payload, fixture.HolderKey);

        Assert.Equal(SdJwtError.KeyBindingMalformed, (await VerifyAsync(presentation.Compact + kb)).Error);
    }

    [Fact]
    public async Task Audience_must_be_a_single_string()
    {
        var issued = await IssueAsync();
        var presentation = SdJwtHolder.Present(issued, issued.Disclosures);
        var payload = KbPayload(presentation);
        payload["aud"] = new JsonArray(Challenge.Audience, "https://other-rp.example.test");
        var kb = TestJws.Sign(new JsonObject { ["alg"] = "ES256", ["typ"] = "kb+jwt" }, payload, fixture.HolderKey);

        Assert.Equal(SdJwtError.KeyBindingAudienceMismatch, (await VerifyAsync(presentation.Compact + kb)).Error);
    }

    [Fact]
    public async Task A_credential_without_a_holder_key_cannot_be_bound()
    {
        using var issuer = new CraftedIssuer();
        var payload = issuer.Payload();
        payload.Remove("cnf");
        var sdJwt = SdJwt.Parse(issuer.SdJwt(payload));
        var kb = await SdJwtHolder.CreateKeyBindingJwtAsync(sdJwt, Challenge, Es256Signers.FromECDsa(issuer.HolderKey),
            CraftedIssuer.Now, CancellationToken.None);

        var result = await issuer.Verifier(requireKeyBinding: true).VerifyAsync(sdJwt.Compact + kb, Challenge, CancellationToken.None);

        Assert.Equal(SdJwtError.HolderKeyMissing, result.Error);
    }

    private JsonObject KbPayload(SdJwt presentation) => new()
    {
        ["iat"] = Now.ToUnixTimeSeconds(),
        ["aud"] = Challenge.Audience,
        ["nonce"] = Challenge.Nonce,
        ["sd_hash"] = SdJwtHolder.ComputeSdHash(presentation.WithoutKeyBinding),
    };

    private async Task<SdJwt> IssueAsync()
    {
        var request = VerifiedIdentityCredential.CreateRequest(IssuerFixture.IssuerId,
            new VerifiedIdentityClaims("Erika", "Mustermann", new DateOnly(1964, 8, 12), "DEU"), AssuranceLevel.Substantial,
            fixture.HolderJwk, Now.AddDays(-1), TimeSpan.FromDays(365));
        var issued = await new SdJwtIssuer(fixture.SigningKey).IssueAsync(request, CancellationToken.None);
        return SdJwtHolder.Accept(issued.Compact);
    }

    private async Task<string> PresentAsync(KeyBindingChallenge challenge, Es256Signer signer, DateTimeOffset issuedAt)
    {
        var issued = await IssueAsync();
        var presentation = await SdJwtHolder.PresentWithKeyBindingAsync(issued,
            SdJwtHolder.SelectByClaimName(issued, ["age_over_18", "assurance_level"]), challenge, signer, issuedAt, CancellationToken.None);
        return presentation.Compact;
    }

    private Task<SdJwtVerificationResult> VerifyAsync(string presentation) =>
        new SdJwtVerifier(new SdJwtVerifierOptions { ResolveIssuerKey = fixture.Metadata.ToKeyResolver() }, new FakeTimeProvider(Now))
            .VerifyAsync(presentation, Challenge, CancellationToken.None);
}
