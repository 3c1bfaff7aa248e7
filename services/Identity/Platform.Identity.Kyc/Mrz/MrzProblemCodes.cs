namespace Platform.Identity.Kyc;

/// <summary>Stable codes of <see cref="MrzProblem"/>s. One code per field and kind of fault, so a caller can tell exactly what to ask the applicant for.</summary>
public static class MrzProblemCodes
{
    /// <summary>Not two lines of 44 or three lines of 30 characters.</summary>
    public const string Format = "mrz_format";

    /// <summary>A character outside <c>A-Z 0-9 &lt;</c> (lower case included).</summary>
    public const string Charset = "mrz_charset";

    /// <summary>A document code this layout does not carry (TD3 must start with P; TD1 with I, A or C).</summary>
    public const string DocumentCodeUnsupported = "document_code_unsupported";

    public const string IssuingStateUnknown = "issuing_state_unknown";
    public const string NationalityUnknown = "nationality_unknown";
    public const string DocumentNumberInvalid = "document_number_invalid";
    public const string DocumentNumberCheckDigit = "document_number_check_digit";
    public const string BirthDateInvalid = "birth_date_invalid";

    /// <summary>Fillers in the birth date: the issuer did not know it (allowed by Doc 9303, not enough for KYC).</summary>
    public const string BirthDateUnknown = "birth_date_unknown";

    public const string BirthDateCheckDigit = "birth_date_check_digit";
    public const string ExpiryDateInvalid = "expiry_date_invalid";
    public const string ExpiryDateCheckDigit = "expiry_date_check_digit";
    public const string SexInvalid = "sex_invalid";

    /// <summary>TD3 only: the personal number / optional data has its own check digit.</summary>
    public const string OptionalDataCheckDigit = "optional_data_check_digit";

    public const string CompositeCheckDigit = "composite_check_digit";
    public const string NameInvalid = "name_invalid";
    public const string NameMissing = "name_missing";
}
