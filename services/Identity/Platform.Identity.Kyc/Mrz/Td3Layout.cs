namespace Platform.Identity.Kyc;

/// <summary>
/// ICAO 9303 Part 4, TD3 (passports), two lines of 44:
/// line 1 = document code 1-2, issuing state 3-5, name 6-44;
/// line 2 = document number 1-9 + check 10, nationality 11-13, birth date 14-19 + check 20, sex 21,
/// expiry 22-27 + check 28, personal number 29-42 + check 43, composite check 44 over 1-10, 14-20 and 22-43.
/// </summary>
internal static class Td3Layout
{
    public const int Lines = 2;
    public const int Length = 44;

    public static MrzParseResult Read(MrzFieldReader mrz)
    {
        var code = mrz.DocumentCode(0, "P", "TD3");
        var issuingState = mrz.Country(0, 2, MrzProblemCodes.IssuingStateUnknown, "issuing state");
        var name = mrz.Name(0, 5, 39);

        var documentNumber = mrz.DocumentNumber(1, 0, 9);
        mrz.CheckDigit(mrz.Slice(1, 0, 9), 1, 9, MrzProblemCodes.DocumentNumberCheckDigit, "document number");
        var nationality = mrz.Country(1, 10, MrzProblemCodes.NationalityUnknown, "nationality");
        var birthDate = mrz.BirthDate(1, 13);
        mrz.CheckDigit(mrz.Slice(1, 13, 6), 1, 19, MrzProblemCodes.BirthDateCheckDigit, "birth date");
        var sex = mrz.Sex(1, 20);
        var expiryDate = mrz.ExpiryDate(1, 21);
        mrz.CheckDigit(mrz.Slice(1, 21, 6), 1, 27, MrzProblemCodes.ExpiryDateCheckDigit, "expiry date");

        // An unused personal number may carry a filler instead of its check digit (Doc 9303 Part 4, 4.2.2.3).
        var optional = mrz.Slice(1, 28, 14);
        var optionalUnused = optional.TrimEnd('<').IsEmpty;
        if (!(optionalUnused && mrz.At(1, 42) is '<' or '0'))
        {
            mrz.CheckDigit(optional, 1, 42, MrzProblemCodes.OptionalDataCheckDigit, "personal number");
        }

        var composite = string.Concat(mrz.Slice(1, 0, 10), mrz.Slice(1, 13, 7), mrz.Slice(1, 21, 22));
        mrz.CheckDigit(composite, 1, 43, MrzProblemCodes.CompositeCheckDigit, "composite");

        if (mrz.Problems.Count > 0)
        {
            return MrzParseResult.Invalid(mrz.Problems);
        }

        return MrzParseResult.Valid(new MrzDocument
        {
            Format = MrzFormat.Td3,
            DocumentCode = code!,
            IssuingState = issuingState!,
            DocumentNumber = documentNumber!,
            BirthDate = birthDate!.Value,
            ExpiryDate = expiryDate!.Value,
            Sex = sex!.Value,
            Nationality = nationality!,
            PrimaryIdentifier = name!.Primary,
            SecondaryIdentifier = name.Secondary,
            NameMayBeTruncated = name.MayBeTruncated,
            OptionalData = optional.TrimEnd('<').ToString(),
            OptionalData2 = string.Empty,
        });
    }
}
