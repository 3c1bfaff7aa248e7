using System.Globalization;
using R4 = Hl7.Fhir.Model;

namespace Platform.RecordVault.Core.Research;

/// <summary>
/// The two ends of a participant's demographics: the quasi-identifiers read from their FHIR Patient, and the Patient
/// released in their place, built from scratch (an allowlist: nothing of the source is copied but what is named here).
/// </summary>
public static class PatientDemographics
{
    /// <summary>Birth year, over-89, gender, and the state and country of the home address (else the first with a state).</summary>
    public static QuasiIdentifiers Read(R4.Patient? patient, DateOnly referenceDate)
    {
        if (patient is null)
        {
            return new QuasiIdentifiers(null, false, null, null, null);
        }
        var birth = patient.BirthDate;
        int? year = birth is { Length: >= 4 } && int.TryParse(birth.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var y) ? y : null;
        var over89 = year is not null && AgeUpperBound(birth!, year.Value, referenceDate) > DeidRules.OldestAgeShown;
        var address = patient.Address.FirstOrDefault(a => a.Use == R4.Address.AddressUse.Home && !string.IsNullOrWhiteSpace(a.State))
            ?? patient.Address.FirstOrDefault(a => !string.IsNullOrWhiteSpace(a.State));
        return new QuasiIdentifiers(
            over89 ? null : year,
            over89,
            patient.Gender is { } gender ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(gender) : null,
            address?.State?.Trim().ToUpperInvariant(),
            address?.Country?.Trim().ToUpperInvariant());
    }

    /// <summary>
    /// The released Patient: id and identifier are the study pseudonym; gender, birth year (only when released exact),
    /// an age-group extension otherwise, state and country as k-anonymity released them; a death date by the level's
    /// date rule. No name, contact, identifier, address line, photo, contact person or link.
    /// </summary>
    public static R4.Patient Release(
        R4.Patient? source, string studyPseudonym, string participantSystem, GeneralisedQuasiIdentifiers released,
        SafeHarborDeidentifier deidentifier, int shiftDays)
    {
        ArgumentNullException.ThrowIfNull(released);
        ArgumentNullException.ThrowIfNull(deidentifier);
        var patient = new R4.Patient
        {
            Id = studyPseudonym,
            Meta = SafeHarborDeidentifier.Meta(null),
            Identifier = [new R4.Identifier(participantSystem, studyPseudonym)],
        };
        if (released.Gender is { } gender && Hl7.Fhir.Utility.EnumUtility.ParseLiteral<R4.AdministrativeGender>(gender) is { } g)
        {
            patient.Gender = g;
        }
        if (released.BirthYearExact)
        {
            patient.BirthDate = released.AgeGroup;
        }
        else if (released.AgeGroup is { } group)
        {
            patient.Extension.Add(new R4.Extension(DeidRules.AgeGroupExtension, new R4.FhirString(group)));
        }
        if (released.State is not null || released.Country is not null)
        {
            patient.Address.Add(new R4.Address { State = released.State, Country = released.Country });
        }
        switch (source?.Deceased)
        {
            case R4.FhirBoolean flag:
                patient.Deceased = new R4.FhirBoolean(flag.Value);
                break;
            case R4.FhirDateTime died:
                // Still a date of the person's (Safe Harbor (C)): the level's rule, or just "deceased" when it must go.
                patient.Deceased = deidentifier.Date(died, shiftDays) ?? new R4.FhirBoolean(true);
                break;
        }
        return patient;
    }

    // A birth date of "1935" might be any day of 1935: the oldest the person can be, so the over-89 rule errs safe.
    private static int AgeUpperBound(string birthDate, int year, DateOnly on)
    {
        if (birthDate.Length >= 10 && DateOnly.TryParseExact(birthDate[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var born))
        {
            var age = on.Year - born.Year;
            return on < born.AddYears(age) ? age - 1 : age;
        }
        return on.Year - year;
    }
}
