namespace Platform.Identity.Credentials;

/// <summary>The KYC result put into a verified-identity credential; every field becomes its own disclosure.</summary>
/// <param name="GivenName">As verified against the identity document.</param>
/// <param name="FamilyName">As verified against the identity document.</param>
/// <param name="Birthdate">Written as ISO 8601 <c>YYYY-MM-DD</c> (OIDC <c>birthdate</c>).</param>
/// <param name="Nationality">
/// ISO 3166-1 alpha-3 (or alpha-2) in uppercase. The MRZ's ICAO codes that are not ISO codes (e.g. <c>D</c> for
/// Germany) are mapped to ISO by the KYC layer before they get here.
/// </param>
/// <param name="AssuranceLevel">Level of assurance the KYC case reached.</param>
public sealed record VerifiedIdentityClaims(
    string GivenName,
    string FamilyName,
    DateOnly Birthdate,
    string Nationality,
    AssuranceLevel AssuranceLevel);
