using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Platform.Identity.Kyc;

namespace Platform.Identity.Credentials.Tests;

/// <summary>The verified-identity SD-JWT VC end to end: issue, present a subset with key binding, verify, read.</summary>
public sealed class VerifiedIdentityCredentialTests(IssuerFixture fixture) : IClassFixture<IssuerFixture>
{
    private static readonly DateTimeOffset IssuedAt = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset PresentedAt = IssuedAt.AddDays(10);
    private static readonly KeyBindingChallenge Challenge = new("https://pharmacy.example.test", "7f3c1e9a-nonce");

    private static readonly VerifiedIdentityClaims Erika =
        new("Erika", "Mustermann", new DateOnly(1964, 8, 12), "DEU");

    public static TheoryData<string[]> Subsets => new()
    {
        Array.Empty<string>(),
        new[] { "age_over_18" },
        new[] { "age_over_18", "assurance_level" },
        new[] { "given_name", "family_name", "nationality" },
        VerifiedIdentityCredential.DisclosableClaims.ToArray(),
    };

    [Theory]
    [MemberData(nameof(Subsets))]
    public async Task Each_subset_verifies_and_reveals_only_itself(string[] chosen)
    {
        var issued = SdJwtHolder.Accept((await IssueAsync(Erika)).Compact);

        var presentation = await SdJwtHolder.PresentWithKeyBindingAsync(issued, SdJwtHolder.SelectByClaimName(issued, chosen),
            Challenge, fixture.HolderSigner, PresentedAt, CancellationToken.None);
        var result = await Verifier().VerifyAsync(presentation.Compact, Challenge, CancellationToken.None);

        Assert.True(result.IsValid, result.ErrorDetail);
        var disclosable = VerifiedIdentityCredential.DisclosableClaims;
        Assert.Equal(chosen.Order(), result.Claims!.Select(m => m.Key).Where(disclosable.Contains).Order());
        Assert.Equal(["cnf", "exp", "iat", "iss", "vct"], result.Claims!.Select(m => m.Key).Where(k => !disclosable.Contains(k)).Order());
    }

    [Fact]
    public async Task Proving_age_alone_reveals_no_name_or_birthdate()
    {
        var issued = await IssueAsync(Erika);
        var presentation = await SdJwtHolder.PresentWithKeyBindingAsync(issued,
            SdJwtHolder.SelectByClaimName(issued, ["age_over_18", "assurance_level"]), Challenge, fixture.HolderSigner, PresentedAt,
            CancellationToken.None);

        var result = await Verifier().VerifyAsync(presentation.Compact, Challenge, CancellationToken.None);
        var identity = VerifiedIdentityCredential.ReadDisclosed(result.Claims!);

        Assert.Equal(new DisclosedIdentity(IssuerFixture.IssuerId, VerifiedIdentityCredential.Vct, IssuedAt, IssuedAt.AddDays(365),
            null, null, null, null, true, AssuranceLevel.Substantial), identity);
        Assert.DoesNotContain("Mustermann", presentation.Compact, StringComparison.Ordinal);
        foreach (var part in presentation.Compact.Split('~', '.'))
        {
            var text = TryDecode(part);
            Assert.DoesNotContain("Mustermann", text, StringComparison.Ordinal);
            Assert.DoesNotContain("1964-08-12", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Full_disclosure_reads_back_every_claim()
    {
        var issued = await IssueAsync(Erika, AssuranceLevel.High);
        var presentation = await SdJwtHolder.PresentWithKeyBindingAsync(issued, issued.Disclosures, Challenge, fixture.HolderSigner,
            PresentedAt, CancellationToken.None);

        var result = await Verifier().VerifyAsync(presentation.Compact, Challenge, CancellationToken.None);
        var identity = VerifiedIdentityCredential.ReadDisclosed(result.Claims!);

        Assert.Equal("Erika", identity.GivenName);
        Assert.Equal("Mustermann", identity.FamilyName);
        Assert.Equal(new DateOnly(1964, 8, 12), identity.Birthdate);
        Assert.Equal("DEU", identity.Nationality);
        Assert.True(identity.AgeOver18);
        Assert.Equal(AssuranceLevel.High, identity.AssuranceLevel);
    }

    [Fact]
    public async Task The_signed_payload_carries_no_personal_data_in_clear()
    {
        var issued = await IssueAsync(Erika);

        var (header, payload) = TestJws.Decode(issued.IssuerSignedJwt);

        Assert.Equal("dc+sd-jwt", header["typ"]!.GetValue<string>());
        Assert.Equal(VerifiedIdentityCredential.Vct, payload["vct"]!.GetValue<string>());
        Assert.Equal(6, payload["_sd"]!.AsArray().Count);
        var text = payload.ToJsonString();
        Assert.DoesNotContain("Erika", text, StringComparison.Ordinal);
        Assert.DoesNotContain("1964", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"DEU\"", text, StringComparison.Ordinal); // as a value: three letters can occur inside a random _sd digest
        Assert.DoesNotContain("substantial", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_list_reference_is_included()
    {
        var request = VerifiedIdentityCredential.CreateRequest(IssuerFixture.IssuerId, Erika, AssuranceLevel.Substantial, fixture.HolderJwk, IssuedAt,
            TimeSpan.FromDays(365), new StatusListReference(new Uri("https://identity.example.test/status/3"), 4711));
        var issued = await new SdJwtIssuer(fixture.SigningKey).IssueAsync(request, CancellationToken.None);

        var (_, payload) = TestJws.Decode(issued.IssuerSignedJwt);

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"status_list":{"idx":4711,"uri":"https://identity.example.test/status/3"}}"""), payload["status"]));
    }

    [Fact]
    public async Task An_expired_credential_is_refused()
    {
        var issued = await IssueAsync(Erika);
        var later = IssuedAt.AddDays(366);
        var presentation = await SdJwtHolder.PresentWithKeyBindingAsync(issued, [], Challenge, fixture.HolderSigner, later,
            CancellationToken.None);

        var result = await Verifier(later).VerifyAsync(presentation.Compact, Challenge, CancellationToken.None);

        Assert.Equal(SdJwtError.Expired, result.Error);
    }

    [Theory]
    [InlineData("2008-03-10", "2026-03-09", false)]
    [InlineData("2008-03-10", "2026-03-10", true)]
    [InlineData("2008-02-29", "2026-02-28", false)] // leap-day birthday: 18 on 1 March in a common year
    [InlineData("2008-02-29", "2026-03-01", true)]
    [InlineData("1964-08-12", "2026-03-01", true)]
    public async Task Age_over_18_is_evaluated_on_the_issuance_date(string birthdate, string issuedOn, bool expected)
    {
        var at = new DateTimeOffset(DateOnly.Parse(issuedOn, System.Globalization.CultureInfo.InvariantCulture).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);
        var claims = Erika with { BirthDate = DateOnly.Parse(birthdate, System.Globalization.CultureInfo.InvariantCulture) };
        var request = VerifiedIdentityCredential.CreateRequest(IssuerFixture.IssuerId, claims, AssuranceLevel.Substantial, fixture.HolderJwk, at, TimeSpan.FromDays(1));

        Assert.Equal(expected, request.DisclosableClaims["age_over_18"]!.GetValue<bool>());
        var issued = await new SdJwtIssuer(fixture.SigningKey).IssueAsync(request, CancellationToken.None);
        Assert.Equal(expected, issued.Disclosures.Single(d => d.ClaimName == "age_over_18").Value!.GetValue<bool>());
    }

    [Theory]
    [InlineData("deu")]
    [InlineData("D")]
    [InlineData("DEUT")]
    [InlineData("")]
    public void Nationality_must_be_an_uppercase_iso_code(string nationality)
    {
        Assert.Throws<ArgumentException>(() => VerifiedIdentityCredential.CreateRequest(IssuerFixture.IssuerId,
            Erika with { Nationality = nationality }, AssuranceLevel.Substantial, fixture.HolderJwk, IssuedAt, TimeSpan.FromDays(1)));
    }

    [Fact]
    public void A_birthdate_after_issuance_is_refused()
    {
        Assert.Throws<ArgumentException>(() => VerifiedIdentityCredential.CreateRequest(IssuerFixture.IssuerId,
            Erika with { BirthDate = new DateOnly(2026, 3, 2) }, AssuranceLevel.Substantial, fixture.HolderJwk, IssuedAt, TimeSpan.FromDays(1)));
    }

    [Theory]
    [InlineData(AssuranceLevel.Low, "low")]
    [InlineData(AssuranceLevel.Substantial, "substantial")]
    [InlineData(AssuranceLevel.High, "high")]
    public void Assurance_levels_have_fixed_claim_values(AssuranceLevel level, string value)
    {
        Assert.Equal(value, level.ToClaimValue());
        Assert.True(AssuranceLevels.TryParse(value, out var parsed));
        Assert.Equal(level, parsed);
        Assert.False(AssuranceLevels.TryParse(value.ToUpperInvariant(), out _));
    }

    private Task<SdJwt> IssueAsync(VerifiedIdentityClaims claims, AssuranceLevel level = AssuranceLevel.Substantial) => new SdJwtIssuer(fixture.SigningKey).IssueAsync(
        VerifiedIdentityCredential.CreateRequest(IssuerFixture.IssuerId, claims, level, fixture.HolderJwk, IssuedAt, TimeSpan.FromDays(365)),
        CancellationToken.None);

    private SdJwtVerifier Verifier(DateTimeOffset? now = null) => new(new SdJwtVerifierOptions
    {
        ResolveIssuerKey = JwtVcIssuerMetadata.Parse(fixture.Metadata.ToJsonString(), IssuerFixture.IssuerId).ToKeyResolver(),
        AcceptedVcts = new HashSet<string> { VerifiedIdentityCredential.Vct },
    }, new FakeTimeProvider(now ?? PresentedAt));

    private static string TryDecode(string part)
    {
        try
        {
            return System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(part));
        }
        catch (FormatException)
        {
            return part;
        }
    }
}
