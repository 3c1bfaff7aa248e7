namespace Platform.Identity.Kyc;

/// <summary>
/// What the applicant typed into the registration form. <see cref="ToString"/> is redacted because records print
/// every member by default and these values must not reach logs.
/// </summary>
/// <param name="GivenNames">All given names, as on the document (<c>Anna Maria</c>).</param>
/// <param name="FamilyName">The family name(s) (<c>Eriksson</c>, <c>Müller-Lüdenscheidt</c>).</param>
/// <param name="Nationality">ISO alpha-3, alpha-2 or ICAO code.</param>
/// <param name="IssuingCountry">The country that issued the document; null when the form does not ask.</param>
public sealed record KycFormData(string GivenNames, string FamilyName, DateOnly BirthDate, string Nationality, string DocumentNumber, string? IssuingCountry = null)
{
    /// <summary>The full name for screening, family name last.</summary>
    public string FullName => $"{GivenNames} {FamilyName}";

    public override string ToString() => "KycFormData { (redacted) }";
}
