using System.Security.Cryptography;
using System.Text;
using Platform.Consent.Core;
using Platform.SignedEvents;

namespace Platform.Consent.Tests.Research;

/// <summary>
/// A compensation credit's canonical form and its blinded ledger payload, checked against the bytes and HMACs written
/// out here from docs/research.md ("Compensation"), not against the code that makes them; and the currencies' decimals.
/// </summary>
public sealed class ResearchCreditTests
{
    private static readonly ResearchCredit Credit = new(
        Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
        Guid.Parse("e02fd0e4-00fd-090a-ca30-0d00a0038ba0"), 2500, "EUR", CompensationBasis.PerParticipant);

    [Fact]
    public void The_canonical_credit_is_the_documented_json_byte_for_byte()
    {
        Assert.Equal(
            """{"format":"platform.research-credit.v1","exportId":"0f8fad5b-d9cb-469f-a165-70867728950e","studyId":"7c9e6679-7425-40de-944b-e07fc1f90ae7","consentId":"e02fd0e4-00fd-090a-ca30-0d00a0038ba0","amountMinor":2500,"currency":"EUR","basis":"per-participant"}""",
            Encoding.UTF8.GetString(Credit.CanonicalForm()));
        Assert.Contains("\"basis\":\"per-export\"", Encoding.UTF8.GetString((Credit with { Basis = CompensationBasis.PerExport }).CanonicalForm()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_credit_is_unique_per_study_when_paid_per_participant_and_per_export_otherwise()
    {
        Assert.Equal(Credit.StudyId, Credit.Occasion);
        Assert.Equal(Credit.ExportId, (Credit with { Basis = CompensationBasis.PerExport }).Occasion);
    }

    [Fact]
    public void The_payload_is_blinded_under_the_credits_secret_and_opens_only_with_the_same_credit_patient_and_secret()
    {
        var salt = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var payload = ResearchCreditPayloads.For(Credit, "pseud-7f3a9c21", salt, Guid.NewGuid(), DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

        // Written out from the documentation with the BCL's HMAC, not with LedgerBlinding.
        var subject = Convert.ToBase64String(HMACSHA256.HashData(salt, "platform.ledger.id.v1\nsubject\npseud-7f3a9c21"u8.ToArray()))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal(subject, payload.Subject);
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(salt, Credit.CanonicalForm())), payload.CreditHash);
        Assert.Equal(("consent", 1_800_000_000L), (payload.Issuer, payload.IssuedAt));
        Assert.Null(SignedEventRules.Check(payload));

        Assert.True(ResearchCreditPayloads.Commits(payload, Credit, "pseud-7f3a9c21", salt));
        Assert.False(ResearchCreditPayloads.Commits(payload, Credit with { AmountMinor = 2501 }, "pseud-7f3a9c21", salt));
        Assert.False(ResearchCreditPayloads.Commits(payload, Credit with { Currency = "GBP" }, "pseud-7f3a9c21", salt));
        Assert.False(ResearchCreditPayloads.Commits(payload, Credit, "pseud-00000000", salt));
        Assert.False(ResearchCreditPayloads.Commits(payload, Credit, "pseud-7f3a9c21", LedgerBlinding.NewSalt()));
        // Another secret for the same patient: an unrelated subject (credits cannot be linked on the ledger).
        Assert.NotEqual(payload.Subject, ResearchCreditPayloads.For(Credit, "pseud-7f3a9c21", LedgerBlinding.NewSalt(), Guid.NewGuid(), DateTimeOffset.UnixEpoch.AddSeconds(1)).Subject);
    }

    [Theory]
    [InlineData("EUR", 2500L, "25")]
    [InlineData("GBP", 1L, "0.01")]
    [InlineData("JPY", 500L, "500")]
    [InlineData("KRW", 12000L, "12000")]
    [InlineData("KWD", 1250L, "1.25")]
    [InlineData("CLF", 15L, "0.0015")]
    public void Minor_units_follow_the_iso_4217_decimals_of_the_currency(string currency, long amountMinor, string major) =>
        Assert.Equal(decimal.Parse(major, System.Globalization.CultureInfo.InvariantCulture), CurrencyMinorUnits.ToMajor(amountMinor, currency));
}
