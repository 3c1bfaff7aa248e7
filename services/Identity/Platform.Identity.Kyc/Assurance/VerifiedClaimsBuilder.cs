using System.Globalization;
using System.Text.Json.Nodes;

namespace Platform.Identity.Kyc;

/// <summary>
/// Builds the <c>verified_claims</c> object of OpenID Connect for Identity Assurance 1.0 for an approved case:
/// <c>verification</c> (<c>trust_framework</c>, <c>assurance_level</c>, <c>time</c> of approval,
/// <c>verification_process</c> = case id, and one <c>document</c> evidence) and <c>claims</c> (only the selected
/// ones). The evidence carries the document type, issuer country (<c>country_code</c> alpha-3, <c>country</c>
/// alpha-2 where ISO has one) and expiry, the deprecated-but-common <c>method</c> <c>uripp</c> (unsupervised remote
/// in-person proofing) and <c>check_details</c>: <c>vdig</c> (digital document validated) and, when a reviewer
/// compared the person, <c>pvr</c>. Never the document number: the case does not have it.
/// </summary>
public static class VerifiedClaimsBuilder
{
    public static KycResult<JsonObject> Build(KycCase kycCase, VerifiedIdentityClaims identity, VerifiedClaimSelection selection, VerifiedClaimsOptions options)
    {
        ArgumentNullException.ThrowIfNull(kycCase);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(options);
        var assurance = AssuranceMapper.Map(kycCase);
        if (assurance.Level == AssuranceLevel.None || kycCase.Approval is not { } approval)
        {
            return Fail(KycErrorCodes.NotApproved, "Only an approved case has verified claims.");
        }

        if (string.IsNullOrWhiteSpace(options.TrustFramework))
        {
            return Fail(KycErrorCodes.InvalidTrustFramework, "A trust framework must be configured.");
        }

        if ((selection & VerifiedClaimSelection.All) == VerifiedClaimSelection.None)
        {
            return Fail(KycErrorCodes.NoClaimsSelected, "verified_claims needs at least one claim.");
        }

        var claims = new JsonObject();
        if (selection.HasFlag(VerifiedClaimSelection.GivenName))
        {
            if (string.IsNullOrWhiteSpace(identity.GivenName))
            {
                return Missing("given_name");
            }

            claims["given_name"] = identity.GivenName.Trim();
        }

        if (selection.HasFlag(VerifiedClaimSelection.FamilyName))
        {
            if (string.IsNullOrWhiteSpace(identity.FamilyName))
            {
                return Missing("family_name");
            }

            claims["family_name"] = identity.FamilyName.Trim();
        }

        if (selection.HasFlag(VerifiedClaimSelection.Birthdate))
        {
            if (identity.BirthDate is not { } birthDate)
            {
                return Missing("birthdate");
            }

            claims["birthdate"] = birthDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        if (selection.HasFlag(VerifiedClaimSelection.Nationalities))
        {
            if (CountryCodes.ToCanonical(identity.Nationality) is not { } nationality)
            {
                return Missing("nationalities");
            }

            claims["nationalities"] = new JsonArray(nationality);
        }

        var verification = new JsonObject
        {
            ["trust_framework"] = options.TrustFramework,
            ["assurance_level"] = assurance.Code,
            ["time"] = Time(approval.At),
            ["verification_process"] = kycCase.Id.ToString("D"),
        };

        if (options.IncludeEvidence && kycCase.Assessment is { Document: { } document } assessment)
        {
            verification["evidence"] = new JsonArray(Evidence(document, assessment, approval, kycCase.EvidenceKinds));
        }

        return KycResult<JsonObject>.Success(new JsonObject { ["verification"] = verification, ["claims"] = claims });
    }

    private static JsonObject Evidence(DocumentSummary document, KycAssessment assessment, KycApproval approval, EvidenceKinds kinds)
    {
        var issuer = new JsonObject { ["country_code"] = document.IssuingCountry };
        if (CountryCodes.ToAlpha2(document.IssuingCountry) is { } alpha2)
        {
            issuer["country"] = alpha2;
        }

        var checks = new JsonArray(new JsonObject { ["check_method"] = "vdig" });
        if (approval.Path == KycApprovalPath.ManualReview && (kinds & (EvidenceKinds.Selfie | EvidenceKinds.Liveness)) != EvidenceKinds.None)
        {
            checks.Add(new JsonObject { ["check_method"] = "pvr" });
        }

        return new JsonObject
        {
            ["type"] = "document",
            ["method"] = "uripp",
            ["check_details"] = checks,
            ["time"] = Time(assessment.AssessedAt),
            ["document_details"] = new JsonObject
            {
                ["type"] = document.DocumentType,
                ["issuer"] = issuer,
                ["date_of_expiry"] = document.ExpiryDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            },
        };
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static KycResult<JsonObject> Missing(string claim) =>
        Fail(KycErrorCodes.ClaimValueMissing, $"The claim '{claim}' was selected but has no value.");

    private static KycResult<JsonObject> Fail(string code, string message) => KycResult<JsonObject>.Failure(code, message);
}
