using System.Text.Json.Nodes;
using Platform.Identity.Kyc;
using static Platform.Identity.Kyc.Tests.Flow;

namespace Platform.Identity.Kyc.Tests;

public sealed class VerifiedClaimsBuilderTests
{
    private static readonly VerifiedIdentityClaims Identity = new("Anna Maria", "Eriksson", new DateOnly(1974, 8, 12), "SE");
    private static readonly VerifiedClaimsOptions Options = new("eidas");

    [Fact]
    public void An_automated_approval_produces_the_OIDC4IDA_shape()
    {
        var approved = Checked(AutoApprove);

        var json = Ok(VerifiedClaimsBuilder.Build(approved, Identity, VerifiedClaimSelection.All, Options));

        var expected = JsonNode.Parse($$"""
        {
          "verification": {
            "trust_framework": "eidas",
            "assurance_level": "substantial",
            "time": "2025-06-01T09:33:00Z",
            "verification_process": "{{CaseId}}",
            "evidence": [
              {
                "type": "document",
                "method": "uripp",
                "check_details": [ { "check_method": "vdig" } ],
                "time": "2025-06-01T09:30:00Z",
                "document_details": {
                  "type": "passport",
                  "issuer": { "country_code": "SWE", "country": "SE" },
                  "date_of_expiry": "2034-04-15"
                }
              }
            ]
          },
          "claims": {
            "given_name": "Anna Maria",
            "family_name": "Eriksson",
            "birthdate": "1974-08-12",
            "nationalities": [ "SWE" ]
          }
        }
        """);
        Assert.True(JsonNode.DeepEquals(expected, json), json.ToJsonString());
    }

    [Fact]
    public void A_reviewer_approval_with_a_selfie_is_high_and_names_the_person_check()
    {
        var approved = Decided(KycDecision.Approve, EvidenceKinds.DocumentImage | EvidenceKinds.Selfie);

        var verification = Ok(VerifiedClaimsBuilder.Build(approved, Identity, VerifiedClaimSelection.All, Options))["verification"]!;

        Assert.Equal("high", (string?)verification["assurance_level"]);
        Assert.Equal("2025-06-01T09:34:00Z", (string?)verification["time"]);
        Assert.Equal(["vdig", "pvr"], verification["evidence"]![0]!["check_details"]!.AsArray().Select(c => (string?)c!["check_method"]));
    }

    [Fact]
    public void Only_the_claims_the_caller_selects_are_included()
    {
        var claims = Ok(VerifiedClaimsBuilder.Build(Checked(AutoApprove), Identity, VerifiedClaimSelection.Birthdate | VerifiedClaimSelection.Nationalities, Options))["claims"]!.AsObject();

        Assert.Equal(["birthdate", "nationalities"], claims.Select(p => p.Key));
    }

    [Fact]
    public void Germany_is_DEU_in_claims_and_issuer_and_ICAO_only_codes_have_no_alpha_2()
    {
        var mrz = MrzBuilder.Td1(issuingState: "D", nationality: "XXA", name: "MUSTERMANN<<ERIKA", documentNumber: "T22000129");
        var form = new KycFormData("Erika", "Mustermann", new DateOnly(1974, 8, 12), "XXA", "T22000129", "D");
        var assessment = KycCheckRunnerTests.Run(new KycApplication(Owner, form, mrz));
        Assert.True(assessment.AllPassed, assessment.ToString());

        var json = Ok(VerifiedClaimsBuilder.Build(Checked(assessment), Identity with { Nationality = "D<<" }, VerifiedClaimSelection.Nationalities, Options));

        Assert.Equal("DEU", (string?)json["claims"]!["nationalities"]![0]);
        var details = json["verification"]!["evidence"]![0]!["document_details"]!;
        Assert.Equal(("idcard", "DEU", "DE"), ((string?)details["type"], (string?)details["issuer"]!["country_code"], (string?)details["issuer"]!["country"]));

        var stateless = Ok(VerifiedClaimsBuilder.Build(Checked(assessment), Identity with { Nationality = "XXA" }, VerifiedClaimSelection.Nationalities, Options));
        Assert.Equal("XXA", (string?)stateless["claims"]!["nationalities"]![0]);
    }

    [Fact]
    public void Evidence_can_be_left_out()
    {
        var json = Ok(VerifiedClaimsBuilder.Build(Checked(AutoApprove), Identity, VerifiedClaimSelection.GivenName, Options with { IncludeEvidence = false }));

        Assert.False(json["verification"]!.AsObject().ContainsKey("evidence"));
    }

    [Fact]
    public void The_output_never_contains_the_document_number()
    {
        var text = Ok(VerifiedClaimsBuilder.Build(Decided(KycDecision.Approve, EvidenceKinds.DocumentImage | EvidenceKinds.Selfie), Identity, VerifiedClaimSelection.All, Options)).ToJsonString();

        Assert.DoesNotContain("L898902C3", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("document_number", text, StringComparison.Ordinal);
        Assert.DoesNotContain(AutoApprove.Fingerprint!.Value, text, StringComparison.Ordinal);
    }

    [Fact]
    public void Refusals_have_precise_codes()
    {
        var approved = Checked(AutoApprove);

        Assert.Equal(KycErrorCodes.NotApproved, Refused(VerifiedClaimsBuilder.Build(InReview(), Identity, VerifiedClaimSelection.All, Options)).Code);
        Assert.Equal(KycErrorCodes.NoClaimsSelected, Refused(VerifiedClaimsBuilder.Build(approved, Identity, VerifiedClaimSelection.None, Options)).Code);
        Assert.Equal(KycErrorCodes.ClaimValueMissing, Refused(VerifiedClaimsBuilder.Build(approved, Identity with { BirthDate = null }, VerifiedClaimSelection.Birthdate, Options)).Code);
        Assert.Equal(KycErrorCodes.ClaimValueMissing, Refused(VerifiedClaimsBuilder.Build(approved, Identity with { Nationality = "Sweden" }, VerifiedClaimSelection.Nationalities, Options)).Code);
        Assert.Equal(KycErrorCodes.InvalidTrustFramework, Refused(VerifiedClaimsBuilder.Build(approved, Identity, VerifiedClaimSelection.All, new VerifiedClaimsOptions(" "))).Code);
    }

    [Fact]
    public void Identity_claims_do_not_print_their_values()
    {
        Assert.DoesNotContain("Eriksson", Identity.ToString(), StringComparison.Ordinal);
    }
}
