namespace Platform.Identity.Kyc;

/// <summary>Operator-level settings of the <c>verified_claims</c> output.</summary>
/// <param name="TrustFramework">
/// The <c>trust_framework</c> value, required and without default: naming a framework (e.g. <c>eidas</c>) is a
/// compliance statement the operator must make deliberately.
/// </param>
/// <param name="IncludeEvidence">Whether to describe the document evidence (type, issuing country, expiry, methods).</param>
public sealed record VerifiedClaimsOptions(string TrustFramework, bool IncludeEvidence = true);
