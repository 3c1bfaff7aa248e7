namespace Platform.Identity.Kyc;

/// <summary>
/// ICAO 9303 Part 5, TD1 (identity cards), three lines of 30:
/// line 1 = document code 1-2, issuing state 3-5, document number 6-14 + check 15, optional data 16-30;
/// line 2 = birth date 1-6 + check 7, sex 8, expiry 9-14 + check 15, nationality 16-18, optional data 19-29,
/// composite check 30 over line 1 6-30, line 2 1-7, 9-15 and 19-29; line 3 = name.
/// A document number longer than nine characters puts a filler at position 15 and continues at the start of the
/// optional data, followed by its check digit and a filler.
/// </summary>
internal static class Td1Layout
{
    public const int Lines = 3;
    public const int Length = 30;

    public static MrzParseResult Read(MrzFieldReader mrz)
    {
        var code = mrz.DocumentCode(0, "IAC", "TD1");
        var issuingState = mrz.Country(0, 2, MrzProblemCodes.IssuingStateUnknown, "issuing state");
        var (documentNumber, optionalData) = ReadDocumentNumber(mrz);

        var birthDate = mrz.BirthDate(1, 0);
        mrz.CheckDigit(mrz.Slice(1, 0, 6), 1, 6, MrzProblemCodes.BirthDateCheckDigit, "birth date");
        var sex = mrz.Sex(1, 7);
        var expiryDate = mrz.ExpiryDate(1, 8);
        mrz.CheckDigit(mrz.Slice(1, 8, 6), 1, 14, MrzProblemCodes.ExpiryDateCheckDigit, "expiry date");
        var nationality = mrz.Country(1, 15, MrzProblemCodes.NationalityUnknown, "nationality");

        var composite = string.Concat(mrz.Slice(0, 5, 25), mrz.Slice(1, 0, 7), mrz.Slice(1, 8, 7), mrz.Slice(1, 18, 11));
        mrz.CheckDigit(composite, 1, 29, MrzProblemCodes.CompositeCheckDigit, "composite");

        var name = mrz.Name(2, 0, 30);

        if (mrz.Problems.Count > 0)
        {
            return MrzParseResult.Invalid(mrz.Problems);
        }

        return MrzParseResult.Valid(new MrzDocument
        {
            Format = MrzFormat.Td1,
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
            OptionalData = optionalData,
            OptionalData2 = mrz.Slice(1, 18, 11).TrimEnd('<').ToString(),
        });
    }

    private static (string? Number, string OptionalData) ReadDocumentNumber(MrzFieldReader mrz)
    {
        var optional = mrz.Slice(0, 15, 15);
        if (mrz.At(0, 14) != '<' || optional[0] == '<')
        {
            var number = mrz.DocumentNumber(0, 5, 9);
            mrz.CheckDigit(mrz.Slice(0, 5, 9), 0, 14, MrzProblemCodes.DocumentNumberCheckDigit, "document number");
            return (number, optional.TrimEnd('<').ToString());
        }

        // Long number: nine principal characters, then the rest and its check digit open the optional data.
        var overflowLength = optional.IndexOf('<');
        if (overflowLength < 0)
        {
            overflowLength = optional.Length;
        }

        var principal = mrz.Slice(0, 5, 9);
        if (overflowLength < 2 || principal.Contains('<'))
        {
            mrz.Report(MrzProblemCodes.DocumentNumberInvalid, 0, 5, 10 + overflowLength, "The long document number is malformed.");
            return (null, string.Empty);
        }

        var full = string.Concat(principal, optional[..(overflowLength - 1)]);
        mrz.CheckDigit(full, 0, 15 + overflowLength - 1, MrzProblemCodes.DocumentNumberCheckDigit, "document number");
        var rest = overflowLength < optional.Length ? optional[(overflowLength + 1)..] : [];
        return (full, rest.TrimEnd('<').ToString());
    }
}
