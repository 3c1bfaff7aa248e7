using Platform.Identity.Kyc;

namespace Platform.Identity.Credentials;

/// <summary>
/// What a relying party learned from a verified presentation of a verified-identity credential: the always-visible
/// claims, and each disclosable claim only if the holder chose to reveal it (null otherwise).
/// </summary>
public sealed record DisclosedIdentity(
    string Issuer,
    string Vct,
    DateTimeOffset? IssuedAt,
    DateTimeOffset? ExpiresAt,
    string? GivenName,
    string? FamilyName,
    DateOnly? Birthdate,
    string? Nationality,
    bool? AgeOver18,
    AssuranceLevel? AssuranceLevel);
