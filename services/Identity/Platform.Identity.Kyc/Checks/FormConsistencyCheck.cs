namespace Platform.Identity.Kyc;

/// <summary>
/// Passes when the form says what the MRZ says: family name, given names, birth date, nationality, document number
/// and (if the form asks) issuing country. Names are equal after normalization in either transliteration spelling,
/// ignoring case, spaces, hyphens and apostrophes (<c>Müller-Lüdenscheidt</c> = <c>MUELLER&lt;LUEDENSCHEIDT</c> =
/// <c>MULLER&lt;LUDENSCHEIDT</c>); when the MRZ name may be truncated, the MRZ spelling only has to be a prefix.
/// Deliberately exact otherwise: this is the applicant's own document, so a difference is worth a human look.
/// </summary>
public static class FormConsistencyCheck
{
    public static CheckResult Evaluate(KycFormData form, MrzDocument? document, RiskWeights weights)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(weights);
        if (document is null)
        {
            return CheckResult.NotEvaluated(KycCheckCodes.FormConsistency, KycCheckReasons.MrzUnavailable);
        }

        var mismatches = new List<string>();
        if (!NamesAgree(form.FamilyName, document.PrimaryIdentifier, document.NameMayBeTruncated))
        {
            mismatches.Add("family_name");
        }

        if (!NamesAgree(form.GivenNames, document.SecondaryIdentifier, document.NameMayBeTruncated))
        {
            mismatches.Add("given_names");
        }

        if (form.BirthDate != document.BirthDate)
        {
            mismatches.Add("birth_date");
        }

        if (CountryCodes.ToCanonical(form.Nationality) != document.NationalityCode)
        {
            mismatches.Add("nationality");
        }

        if (IdentityFingerprinter.NormalizeNumber(form.DocumentNumber) != document.DocumentNumber)
        {
            mismatches.Add("document_number");
        }

        if (form.IssuingCountry is not null && CountryCodes.ToCanonical(form.IssuingCountry) != document.IssuingStateCode)
        {
            mismatches.Add("issuing_country");
        }

        return mismatches.Count == 0
            ? CheckResult.Pass(KycCheckCodes.FormConsistency)
            : CheckResult.Fail(KycCheckCodes.FormConsistency, KycCheckReasons.FormMismatch, weights.FormMismatch, mismatches);
    }

    /// <summary>Whether a typed name and an MRZ name component are the same name (see the class remarks).</summary>
    public static bool NamesAgree(string typed, string mrz, bool mrzMayBeTruncated)
    {
        var mrzSpellings = NameNormalizer.Variants(mrz).Select(v => string.Concat(v)).ToArray();
        var typedSpellings = NameNormalizer.Variants(typed).Select(v => string.Concat(v)).ToArray();
        if (mrzSpellings.Length == 0 || typedSpellings.Length == 0)
        {
            return mrzSpellings.Length == typedSpellings.Length;
        }

        return typedSpellings.Any(t => mrzSpellings.Any(m => t == m || (mrzMayBeTruncated && t.StartsWith(m, StringComparison.Ordinal))));
    }
}
