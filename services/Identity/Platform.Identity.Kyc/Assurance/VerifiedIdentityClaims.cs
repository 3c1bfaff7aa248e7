namespace Platform.Identity.Kyc;

/// <summary>
/// The verified identity values a <c>verified_claims</c> object or a verified-identity credential may disclose: the
/// form values the checks found consistent with the MRZ. <see cref="ToString"/> is redacted.
/// </summary>
/// <param name="Nationality">Any country code <see cref="CountryCodes.ToCanonical"/> understands.</param>
public sealed record VerifiedIdentityClaims(string? GivenName, string? FamilyName, DateOnly? BirthDate, string? Nationality)
{
    public override string ToString() => "VerifiedIdentityClaims { (redacted) }";
}
