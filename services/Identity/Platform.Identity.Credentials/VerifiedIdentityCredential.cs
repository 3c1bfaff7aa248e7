using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Crypto;
using Platform.Crypto.Jose;
using Platform.Identity.Kyc;

namespace Platform.Identity.Credentials;

/// <summary>
/// The platform's verified-identity SD-JWT VC: <c>iss</c>, <c>iat</c>, <c>exp</c>, <c>vct</c>, <c>cnf</c> (and
/// <c>status</c>) in the clear; <c>given_name</c>, <c>family_name</c>, <c>birthdate</c>, <c>nationality</c>,
/// <c>age_over_18</c> and <c>assurance_level</c> each in its own salted disclosure, so a holder can prove
/// "over 18, substantial assurance" without revealing a name or a birthdate.
/// </summary>
public static class VerifiedIdentityCredential
{
    /// <summary>The credential type (<c>vct</c>); the version suffix changes if the claim set ever does.</summary>
    public const string Vct = "urn:platform:vct:verified-identity:1";

    public const string GivenName = "given_name";
    public const string FamilyName = "family_name";
    public const string Birthdate = "birthdate";
    public const string Nationality = "nationality";
    public const string AgeOver18 = "age_over_18";
    public const string AssuranceLevelClaim = "assurance_level";

    private const int AdultAge = 18;

    /// <summary>The selectively disclosable claims, in the order they are issued.</summary>
    public static IReadOnlyList<string> DisclosableClaims { get; } =
        [GivenName, FamilyName, Birthdate, Nationality, AgeOver18, AssuranceLevelClaim];

    /// <summary>
    /// The issuance request for one holder. <c>age_over_18</c> is evaluated at <paramref name="issuedAt"/> (UTC date):
    /// a <c>false</c> stays false until a new credential is issued, a <c>true</c> never becomes wrong.
    /// </summary>
    /// <param name="issuer">The <c>iss</c> value; the verifier fetches keys from its <c>/.well-known/jwt-vc-issuer</c>.</param>
    /// <param name="claims">The KYC result; every value is required here.</param>
    /// <param name="level">Level of assurance the KYC case reached; never <see cref="AssuranceLevel.None"/>.</param>
    /// <param name="holderKey">The holder's public key, whose possession the holder has proven when requesting.</param>
    /// <param name="issuedAt">Issuance time (<c>iat</c>).</param>
    /// <param name="lifetime">Validity (<c>exp</c> = <c>iat</c> + lifetime).</param>
    /// <param name="status">Revocation status list entry, when the credential can be revoked.</param>
    public static SdJwtIssuanceRequest CreateRequest(string issuer, VerifiedIdentityClaims claims, AssuranceLevel level, P256Jwk holderKey,
        DateTimeOffset issuedAt, TimeSpan lifetime, StatusListReference? status = null)
    {
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentException.ThrowIfNullOrWhiteSpace(claims.GivenName, nameof(claims.GivenName));
        ArgumentException.ThrowIfNullOrWhiteSpace(claims.FamilyName, nameof(claims.FamilyName));
        if (claims.BirthDate is not { } birthdate)
        {
            throw new ArgumentException("The birthdate is required.", nameof(claims));
        }
        if (level == AssuranceLevel.None || !Enum.IsDefined(level))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "A credential needs a level of assurance of low, substantial or high.");
        }
        if (claims.Nationality is not { Length: 2 or 3 } nationality || !nationality.All(char.IsAsciiLetterUpper))
        {
            throw new ArgumentException("Nationality must be an uppercase ISO 3166-1 alpha-3 (or alpha-2) code.", nameof(claims));
        }
        var issuedOn = DateOnly.FromDateTime(issuedAt.UtcDateTime);
        if (birthdate > issuedOn)
        {
            throw new ArgumentException("The birthdate is after the issuance date.", nameof(claims));
        }

        return new SdJwtIssuanceRequest
        {
            Issuer = issuer,
            Vct = Vct,
            HolderKey = holderKey,
            IssuedAt = issuedAt,
            Lifetime = lifetime,
            Status = status?.ToStatusClaim(),
            DisclosableClaims = new Dictionary<string, JsonNode?>
            {
                [GivenName] = claims.GivenName,
                [FamilyName] = claims.FamilyName,
                [Birthdate] = birthdate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                [Nationality] = claims.Nationality,
                [AgeOver18] = AgeOn(birthdate, issuedOn) >= AdultAge,
                [AssuranceLevelClaim] = level.ToClaimValue(),
            },
        };
    }

    /// <summary>Full years between <paramref name="birthdate"/> and <paramref name="on"/>; a 29 February birthday counts from 1 March in common years.</summary>
    public static int AgeOn(DateOnly birthdate, DateOnly on)
    {
        var age = on.Year - birthdate.Year;
        return (on.Month, on.Day).CompareTo((birthdate.Month, birthdate.Day)) < 0 ? age - 1 : age;
    }

    /// <summary>Reads the claims of a successfully verified presentation (<see cref="SdJwtVerificationResult.Claims"/>).</summary>
    /// <exception cref="SdJwtException">Not this credential type, or a claim of the wrong type.</exception>
    public static DisclosedIdentity ReadDisclosed(JsonObject verifiedClaims)
    {
        ArgumentNullException.ThrowIfNull(verifiedClaims);
        if (JsonText.Get(verifiedClaims, "vct") != Vct)
        {
            throw new SdJwtException(SdJwtError.UnexpectedCredentialType, $"Not a '{Vct}' credential.");
        }
        var issuer = JsonText.Get(verifiedClaims, "iss") ?? throw Invalid("iss");

        DateOnly? birthdate = null;
        if (OptionalString(verifiedClaims, Birthdate) is { } birthdateText)
        {
            birthdate = DateOnly.TryParseExact(birthdateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
                ? parsed
                : throw Invalid(Birthdate);
        }
        AssuranceLevel? level = null;
        if (OptionalString(verifiedClaims, AssuranceLevelClaim) is { } levelText)
        {
            level = AssuranceLevels.TryParse(levelText, out var parsed) ? parsed : throw Invalid(AssuranceLevelClaim);
        }
        bool? over18 = null;
        if (verifiedClaims.TryGetPropertyValue(AgeOver18, out var over18Node))
        {
            over18 = over18Node?.GetValueKind() switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Invalid(AgeOver18),
            };
        }
        return new DisclosedIdentity(
            issuer,
            Vct,
            Time(verifiedClaims, "iat"),
            Time(verifiedClaims, "exp"),
            OptionalString(verifiedClaims, GivenName),
            OptionalString(verifiedClaims, FamilyName),
            birthdate,
            OptionalString(verifiedClaims, Nationality),
            over18,
            level);
    }

    private static string? OptionalString(JsonObject claims, string name) =>
        !claims.ContainsKey(name) ? null : JsonText.Get(claims, name) ?? throw Invalid(name);

    private static DateTimeOffset? Time(JsonObject claims, string name) =>
        JsonText.GetNumericDate(claims, name, SdJwtError.Malformed) is { } seconds
            ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
            : null;

    private static SdJwtException Invalid(string claim) => new(SdJwtError.Malformed, $"Claim '{claim}' is missing or of the wrong type.");
}
