namespace Platform.Identity.Kyc;

/// <summary>Which claims go into <c>verified_claims</c>; the caller decides from what the client asked for and was granted.</summary>
[Flags]
public enum VerifiedClaimSelection
{
    None = 0,
    GivenName = 1,
    FamilyName = 2,
    Birthdate = 4,
    Nationalities = 8,
    All = GivenName | FamilyName | Birthdate | Nationalities,
}
