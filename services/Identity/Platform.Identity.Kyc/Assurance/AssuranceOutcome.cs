namespace Platform.Identity.Kyc;

/// <summary>The level a case earned and the <see cref="AssuranceBasis"/> code that explains it.</summary>
public sealed record AssuranceOutcome(AssuranceLevel Level, string Basis)
{
    /// <summary>The level as written in <c>verified_claims</c>: <c>low</c>, <c>substantial</c>, <c>high</c>.</summary>
    public string Code => Level.ToClaimValue();
}
